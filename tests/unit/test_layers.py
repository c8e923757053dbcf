"""Domain code stays plain Python: easy to read, to test and to reuse from jobs and reports."""

import ast
from pathlib import Path

import supplier_dd

FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy", "wtforms",
             "reportlab", "openpyxl", "werkzeug")
DOMAIN = Path(supplier_dd.__file__).parent / "domain"


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_domain_imports_no_framework():
    offenders = [
        f"{path.relative_to(DOMAIN)} imports {module}"
        for path in sorted(DOMAIN.rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN or module.startswith("supplier_dd.models")
        or module.startswith("supplier_dd.services") or module.startswith("supplier_dd.web")
    ]
    assert offenders == []


def test_domain_never_reads_the_clock():
    offenders = []
    for path in sorted(DOMAIN.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("datetime.now(", "date.today(", "time.time(", "utcnow("):
            if needle in text:
                offenders.append(f"{path.relative_to(DOMAIN)} calls {needle}")
    assert offenders == []
