"""The annual Cabinet evidence pack, in one place: its figures from the database (queries.py),
the pure report data they fill (data.py) and its PDF and XLSX renderers.

Everything but queries.py is plain Python over frozen dataclasses, so the same ReportData always
renders to the same bytes. Pack runs (queued, built in the background, stored) are
services/cabinet_packs.py.
"""
