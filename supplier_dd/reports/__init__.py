"""The annual Cabinet evidence pack: pure report data (data.py) and its PDF and XLSX renderers.

The data is built from the database by `services/reports.py`; everything here is plain Python
over frozen dataclasses, so the same ReportData always renders to the same bytes.
"""
