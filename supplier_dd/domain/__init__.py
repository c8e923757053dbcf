"""Pure rules: no Flask, SQLAlchemy, WTForms or ReportLab imports (tests/unit/test_layers.py)."""
