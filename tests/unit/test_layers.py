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


# --- the package layout (issue 20) ----------------------------------------------------------

PACKAGE = Path(supplier_dd.__file__).parent
# The application itself; everything else lives in a package named for its layer.
TOP_LEVEL_MODULES = {"__init__", "__main__", "config", "database", "extensions"}
ENTRY_POINTS = ("web", "cli", "jobs")


def module_name(path: Path) -> str:
    parts = ["supplier_dd", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_imports(path: Path) -> set[str]:
    """Every module of the app this file imports, at the top or inside a function (a deferred
    import is still a dependency), with `from a import b` counted as `a.b` when b is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("supplier_dd")}
        elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
              and node.module.startswith("supplier_dd")):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {dep for dep in app_imports(path) if dep in modules and dep != name}
            for name, path in modules.items()}


def layer_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "app"


def imports_between(importer: str, imported: tuple[str, ...]) -> list[str]:
    return sorted(f"{name} imports {dep}" for name, deps in import_graph().items()
                  if layer_of(name) == importer for dep in deps if layer_of(dep) in imported)


def test_top_level_holds_only_the_application_itself():
    loose = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem not in TOP_LEVEL_MODULES)
    assert loose == [], "put these in cli/, jobs/, infrastructure/ or another layer's package"


def test_domain_imports_nothing_of_the_app_outside_domain():
    offenders = [line for line in imports_between("domain", tuple(
        layer for layer in ("app", "config", "database", "extensions", "models", "services",
                            "reports", "infrastructure", *ENTRY_POINTS)))]
    assert offenders == []


def test_services_never_import_an_entry_point():
    assert imports_between("services", ENTRY_POINTS) == []


def test_lower_layers_never_import_an_entry_point():
    for layer in ("models", "reports", "infrastructure", "domain"):
        assert imports_between(layer, ENTRY_POINTS) == [], layer


def test_models_import_no_service():
    assert imports_between("models", ("services", "reports", "infrastructure")) == []


def test_services_call_each_other_in_one_direction():
    """A circle (declarations -> risk -> declarations) hides which service owns an event; the
    submission that re-scores and re-schedules is orchestrated in services.declarations."""
    graph = {name: {dep for dep in deps if layer_of(dep) == "services"}
             for name, deps in import_graph().items() if layer_of(name) == "services"}
    circles = []

    def visit(name: str, trail: list[str]) -> None:
        for dep in sorted(graph.get(name, ())):
            if dep in trail:
                circles.append(" -> ".join(trail[trail.index(dep):] + [dep]))
            elif dep not in done:
                visit(dep, [*trail, dep])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert circles == []
