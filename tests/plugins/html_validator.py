"""The W3C Nu Html Checker (npm package vnu-jar, run with the machine's Java) over saved pages.

All pages go to one run of the checker: starting the JVM costs seconds, checking a page
milliseconds. `make test` installs both (npm ci in the assets target, Java in system-deps).
Under CI=true a missing checker fails the run; elsewhere the test that needs it is skipped
with the reason, as the browser tests are.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("SUPPLIER_DD_VNU_JAR",
                              ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"))


@dataclass(frozen=True)
class HtmlError:
    path: Path
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "document"
        return f"{where}: {self.message} [{self.extract.strip()[:120]}]"


def checker_command() -> list[str]:
    """The command that runs the checker, or a skip (a CI failure) saying what is missing."""
    java = shutil.which("java")
    missing = []
    if not java:
        missing.append("java (make test installs Debian's default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (make assets runs npm ci, which installs vnu-jar)")
    if missing:
        reason = "Nu Html Checker not available: " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]


def html_errors(command: list[str], files: list[Path]) -> list[HtmlError]:
    """Errors the checker reports for the files, in one run."""
    if not files:
        return []
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True,
                            timeout=600, check=False)
    # The checker writes its JSON report to stderr and exits 1 when it found errors.
    report = result.stderr.strip() or result.stdout.strip()
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"the Nu Html Checker did not report (exit {result.returncode}): "
                             f"{report[:2000]}") from None
    return [
        HtmlError(path=Path(unquote(urlparse(m.get("url", "")).path)), line=m.get("lastLine"),
                  message=m.get("message", ""), extract=m.get("extract", ""))
        for m in messages if m.get("type") in ("error", "non-document-error")
    ]
