"""Steps shared by the browser journeys: signing in and out, axe checks, and answering the
modern slavery declaration page by page, with the mouse or with the keyboard only.

Answers come from tests.declaration_helpers.form_value (yes to everything except exclusion
grounds, so most conditional questions are revealed and answered too).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from playwright.sync_api import expect

from supplier_dd.domain.questionnaire import current_version
from tests.declaration_helpers import form_value
from tests.factories import PASSWORD
from tests.plugins.browser import axe_violations, describe

QUESTIONNAIRE = current_version("modern_slavery")
REVEALED = "Your answers mean we need to ask you more on this page"
PAGE_PATH = re.compile(r"/supplier/declarations/(\d+)/sections/(\w+)/(\w+)")
# The focus colour of the GOV.UK Design System (govuk-colour("yellow")).
FOCUS_YELLOW = "rgb(255, 221, 0)"


# --- Pages and accessibility ----------------------------------------------------------------


def assert_accessible(page, what: str = "") -> None:
    """axe-core on the page as it is now: no serious or critical WCAG 2.2 A/AA problems."""
    if page.evaluate("document.body.classList.contains('govuk-frontend-supported')"):
        violations = axe_violations(page)
    else:
        violations = _axe_on_copy_without_scripts(page)
    assert not violations, f"{what or page.url}:\n{describe(violations)}"


def _axe_on_copy_without_scripts(page) -> list[dict]:
    """axe-core is JavaScript, so it cannot run where JavaScript is off. Check an exact copy of
    the page instead (same HTML at the same address, same stylesheets) in a tab where only axe
    runs: the page's own scripts are removed, so the DOM is the one people without JS get."""
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S | re.I)
    context = page.context.browser.new_context()
    try:
        copy = context.new_page()
        copy.route(page.url.split("#")[0], lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=html))
        copy.goto(page.url.split("#")[0])
        return axe_violations(copy)
    finally:
        context.close()


def error_summary(page) -> str:
    """The GOV.UK error summary's text, after checking it has focus (GOV.UK Frontend moves
    focus there when JavaScript runs) and passes axe."""
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    if page.evaluate("document.body.classList.contains('govuk-frontend-supported')"):
        # GOV.UK Frontend's module script moves focus there once it has run. Waited for
        # through the locator (no script string: polling one is eval, which the page's CSP
        # refuses whenever focus has not moved at the first look).
        expect(summary).to_be_focused(timeout=15_000)
    assert page.title().startswith("Error: "), f"page title without 'Error:' at {page.url}"
    assert_accessible(page, f"error state of {page.url}")
    return summary.inner_text()


def go(locator) -> None:
    """Click a link or button and wait for the page it leads to, so nothing is read from the
    page being left."""
    with locator.page.expect_navigation():
        locator.click()


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def sign_out(page) -> None:
    go(page.get_by_role("button", name="Sign out"))
    assert page.url.endswith("/sign-in")
    assert "You have signed out" in banner(page)


def real_pdf(path: Path, text: str = "Modern slavery statement 2024 to 2025") -> Path:
    """A small but real one-page PDF, made with ReportLab (which the app uses too)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 760, text)
    document.showPage()
    document.save()
    path.write_bytes(buffer.getvalue())
    return path


# --- The declaration, question by question -------------------------------------------------


def questions_on(section_id: str, page_id: str):
    return [q for q in QUESTIONNAIRE.questions if q.section == section_id and q.page == page_id]


def current_page(page) -> tuple[str, str]:
    match = PAGE_PATH.search(page.url)
    assert match, f"not on a question page: {page.url}"
    return match.group(2), match.group(3)


def _field(page, name: str, value: str | None = None):
    selector = f"[name={json.dumps(name)}]"
    if value is not None:
        selector += f"[value={json.dumps(value)}]"
    return page.locator(selector)


def answer_with_mouse(page, overrides: dict | None = None) -> list[str]:
    """Answer every question shown on this page; returns the ids answered."""
    overrides = overrides or {}
    answered = []
    for question in questions_on(*current_page(page)):
        if question.type == "file":
            continue
        values = form_value(question) | {
            k: v for k, v in overrides.items() if _question_id(k) == question.id}
        for name, value in values.items():
            fields = _field(page, name)
            # Hidden by an earlier answer: left out by the server, or on the page but hidden
            # (and disabled) by static/js/follow-ups.js until the answer that asks for it.
            if fields.count() == 0 or not fields.first.is_visible():
                break
            kind = fields.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind in ("input:radio", "input:checkbox"):
                _field(page, name, value).check()
            elif kind.startswith("select"):
                fields.first.select_option(value)
            else:
                fields.first.fill(value)
        else:
            answered.append(question.id)
    return answered


def save_and_continue(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def complete_section_with_mouse(page, base: str, declaration_id: int, title: str,
                                overrides: dict | None = None, max_steps: int = 12) -> list[str]:
    """From the task list, answer a whole section; returns the pages visited (section/page)."""
    overview = f"{base}/supplier/declarations/{declaration_id}"
    go(page.get_by_role("link", name=title))
    seen = []
    for _ in range(max_steps):
        where = "/".join(current_page(page))
        seen.append(where)
        answer_with_mouse(page, overrides)
        save_and_continue(page)
        if page.url == overview:
            return seen
        assert page.locator(".govuk-error-summary").count() == 0, (
            f"{where} refused the answers: {page.locator('.govuk-error-summary').inner_text()}"
        )
    raise AssertionError(f"section {title} did not finish: {seen}")


def task_status(page, title: str) -> str:
    item = page.locator(".govuk-task-list__item", has_text=title)
    return item.locator(".govuk-task-list__status").inner_text().strip()


# --- Keyboard only ------------------------------------------------------------------------

# What has focus, and whether it shows the GOV.UK focus style (yellow outline, shadow or
# background; for radios and checkboxes, the ring around the label's ::before box).
_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const yellow = 'rgb(255, 221, 0)';
  const has = value => !!value && value.includes(yellow);
  const s = getComputedStyle(e);
  let visible = (s.outlineStyle !== 'none' && has(s.outlineColor)) || has(s.boxShadow)
    || has(s.backgroundColor) || has(s.borderTopColor);
  if (!visible && (e.type === 'radio' || e.type === 'checkbox') && e.nextElementSibling) {
    visible = has(getComputedStyle(e.nextElementSibling, '::before').boxShadow);
  }
  return {tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(),
          name: e.getAttribute('name') || '', value: e.value ?? '', checked: !!e.checked,
          text: (e.innerText || e.value || '').trim(), id: e.id, visible,
          html: e.outerHTML.slice(0, 160)};
}"""


def focused(page) -> dict | None:
    return page.evaluate(_FOCUS)


def tab(page, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) and return what has focus, which must be visibly focused."""
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    info = focused(page)
    if info is None:  # past the last element, focus goes to the browser; once more wraps round
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        info = focused(page)
    assert info is not None, f"Tab left focus nowhere on {page.url}"
    assert info["visible"], f"no visible focus on {info['html']} at {page.url}"
    return info


def tab_to(page, wanted, backwards: bool = False, limit: int = 120) -> dict:
    """Tab until `wanted(info)` is true (or the text of the focused element equals `wanted`)."""
    match = wanted if callable(wanted) else (lambda info: info["text"] == wanted)
    seen = []
    for _ in range(limit):
        info = tab(page, backwards)
        if match(info):
            return info
        seen.append(info["text"][:30] or info["name"])
    raise AssertionError(f"never reached {wanted!r} on {page.url}; passed {seen}")


def press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, name: str, text: str) -> None:
    tab_to(page, lambda info: info["name"] == name)
    page.keyboard.type(text)


def sign_in_with_keyboard(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    type_into(page, "email", email)
    type_into(page, "password", password)
    press_and_wait(page)  # Enter in a text field submits the form
    assert "/sign-in" not in page.url


def sign_out_with_keyboard(page) -> None:
    page.goto(page.url)  # focus starts at the top of the page again
    tab_to(page, "Sign out")
    press_and_wait(page)
    assert "You have signed out" in banner(page)


def open_file_chooser_with_keyboard(page, within_ms: int = 45_000):
    """Space on the focused file input opens the chooser. On a busy machine the chooser can open
    seconds later; a listener for the whole wait catches it however late it comes (an earlier
    version gave up after 5 s and pressed Enter, which Chromium ignores while the first chooser
    is still pending, so the test failed once in a while). Enter is tried too, once, in case the
    first key press itself was lost."""
    choosers = []

    def caught(chooser) -> None:
        choosers.append(chooser)

    page.on("filechooser", caught)
    try:
        page.keyboard.press("Space")
        waited, pressed_enter = 0, False
        while not choosers:
            assert waited < within_ms, f"no file chooser opened on {page.url}"
            if waited >= 10_000 and not pressed_enter:
                page.keyboard.press("Enter")
                pressed_enter = True
            page.wait_for_timeout(100)  # lets Playwright deliver the event; not a fixed wait
            waited += 100
        return choosers[0]
    finally:
        page.remove_listener("filechooser", caught)


def _question_id(name: str) -> str:
    return re.sub(r"-(day|month|year)$", "", name)


def answer_page_with_keyboard(page, uploads: dict | None = None,
                              overrides: dict | None = None) -> str:
    """Tab through the question page from the top, answering every empty question with the
    keyboard (typing, Space, arrow keys, the file chooser), then press the right button.
    Returns 'continued' or 'uploaded'."""
    uploads = uploads or {}
    overrides = overrides or {}
    questions = {q.id: q for q in questions_on(*current_page(page))}
    chose_file = False
    trail = []
    for _ in range(150):
        info = tab(page)
        trail.append(info["text"][:25] or info["name"])
        if info["tag"] == "button" or info["type"] == "submit":
            if info["text"] == "Upload file" and chose_file:
                press_and_wait(page)
                return "uploaded"
            if info["text"] == "Save and continue":
                press_and_wait(page)
                return "continued"
            continue
        question = questions.get(_question_id(info["name"]))
        if question is None:
            continue
        wanted = form_value(question) | {
            k: v for k, v in overrides.items() if _question_id(k) == question.id}
        if question.type == "file":
            if question.id in uploads and chose_file is False and not page.locator(
                f"#question-{question.id} .govuk-summary-list").count():
                open_file_chooser_with_keyboard(page).set_files(uploads[question.id])
                chose_file = True
        elif info["type"] == "radio":
            target = wanted[question.id]
            values = page.eval_on_selector_all(
                f"input[name={json.dumps(question.id)}]", "els => els.map(e => e.value)")
            if not (info["checked"] and info["value"] == target):
                steps = values.index(target) - values.index(info["value"])
                if steps == 0:
                    page.keyboard.press("Space")
                for _step in range(abs(steps)):
                    page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
                after = focused(page)
                assert after["checked"] and after["value"] == target, after
        elif info["type"] == "checkbox":
            if info["value"] == wanted[question.id] and not info["checked"]:
                page.keyboard.press("Space")
                assert focused(page)["checked"]
        elif info["tag"] == "select":
            already = page.eval_on_selector_all(
                f"select[name={json.dumps(question.id)}]",
                "els => els.filter(e => e.value).length")
            if not info["value"] and not already:
                page.keyboard.type("United Kingdom")  # type-ahead, as people do
                assert focused(page)["value"] == "GB"
        elif not info["value"]:
            page.keyboard.type(wanted[info["name"]])
    raise AssertionError(f"never reached 'Save and continue' on {page.url}: {trail}")


def complete_section_with_keyboard(page, base: str, declaration_id: int, title: str,
                                   uploads: dict | None = None, max_steps: int = 14) -> list[str]:
    overview = f"{base}/supplier/declarations/{declaration_id}"
    tab_to(page, lambda info: info["tag"] == "a" and info["text"] == title)
    press_and_wait(page)
    seen = []
    for _ in range(max_steps):
        seen.append("/".join(current_page(page)))
        answer_page_with_keyboard(page, uploads)
        if page.url.split("#")[0] == overview:
            return seen
    raise AssertionError(f"section {title} did not finish with the keyboard: {seen}")
