"""Debian's chromium driven by Playwright (never a downloaded browser), with axe-core checks.

Under CI=true a browser that cannot start fails the run; elsewhere the browser tests are skipped
with the reason, so a developer without chromium still runs everything else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SUPPLIER_DD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(os.environ.get("SUPPLIER_DD_TEST_ARTIFACTS", "test-artifacts"))
BLOCKING_IMPACTS = {"serious", "critical"}
checked_pages: list[tuple[str, str, int]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - the test extra installs it
        _unavailable(f"playwright is not installed: {error}")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} not found (make test installs Debian's chromium package)")
    manager = sync_playwright().start()
    try:
        instance = manager.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as error:  # noqa: BLE001 - any launch failure means no browser
        manager.stop()
        _unavailable(f"chromium did not start: {error}")
    yield instance
    instance.close()
    manager.stop()


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(f"Browser not available: {reason}")


@pytest.fixture
def page(browser, request):
    context = browser.new_context(java_script_enabled=getattr(request, "param", True))
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a screenshot must not hide the real failure
            pass
    context.close()


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.2 A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}},
    )
    violations = [
        v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]
    checked_pages.append((page.url, page.title(), len(violations)))
    return violations


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
    return "\n".join(lines)


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker checks its share of the pages; the summary is printed once,
    # by the process that started the workers, from what each sends back.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["axe_checked_pages"] = [list(checked) for checked in checked_pages]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    checked_pages.extend(tuple(checked) for checked in
                         getattr(node, "workeroutput", {}).get("axe_checked_pages", []))


def pytest_terminal_summary(terminalreporter):
    if checked_pages:
        terminalreporter.section("accessibility (axe-core) pages checked")
        for url, title, count in checked_pages:
            terminalreporter.write_line(f"{count} serious/critical  {url}  ({title})")
