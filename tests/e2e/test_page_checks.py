"""The checks the every-page crawl runs find what they are meant to find, and nothing else.

Small pages made here stand in for the service's pages, so a check that stopped seeing a
problem (a crawl that passes because it looks at nothing) fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_accessibility_every_page import Crawl, Visit, check_titles_are_unique
from tests.plugins.html_validator import checker_command, html_errors
from tests.plugins.layout_checks import REFLOW, TEXT_SPACING, ZOOM_200, layout_problems

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
body {{ margin: 0; font: 16px/1.25 sans-serif; }}
.hidden {{ position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden !important; clip-path: inset(50%) !important; white-space: nowrap; }}
</style></head><body><main>{}</main></body></html>"""


def _problems(page, body: str, layouts) -> list[str]:
    page.set_content(PAGE.format(body))
    return layout_problems(page, layouts)


def test_a_page_that_fits_passes_every_layout(page):
    body = '<h1>Suppliers</h1><p>Short text that wraps.</p><span class="hidden">Hidden</span>'
    assert _problems(page, body, (REFLOW, ZOOM_200, TEXT_SPACING)) == []


def test_a_long_unbroken_hash_makes_the_page_scroll_sideways_at_320_px(page):
    body = f'<p>SHA-256 <code id="hash">{"ab12" * 16}</code></p>'
    problems = _problems(page, body, (REFLOW,))
    assert len(problems) == 1
    assert problems[0].startswith("320 CSS px (WCAG 1.4.10 reflow): scrolls sideways")
    assert 'code#hash "ab12ab12' in problems[0]


def test_a_long_word_overflowing_its_heading_is_named(page):
    body = '<h1 id="plan">Imported from action_plan_north_hertfordshire_2020.txt</h1>'
    problems = _problems(page, body, (REFLOW,))
    assert len(problems) == 1 and 'h1#plan "Imported from' in problems[0]


def test_zoom_lays_the_page_out_at_640_css_px_and_then_puts_it_back(page):
    page.set_content(PAGE.format('<div id="box" style="width: 600px">600 px box</div>'))
    assert layout_problems(page, (ZOOM_200,)) == []  # fits a 640 px viewport
    assert "div#box" in layout_problems(page, (REFLOW,))[0]  # but not 320 px
    page.set_content(PAGE.format('<div id="wide" style="width: 900px">900 px box</div>'))
    assert "div#wide" in layout_problems(page, (ZOOM_200,))[0]
    assert page.evaluate("[window.innerWidth, window.devicePixelRatio]") == [1280, 1]


def test_text_cut_off_by_a_box_that_hides_overflow_is_reported(page):
    body = ('<div id="cut" style="width: 100px; overflow: hidden; white-space: nowrap">'
            'supplier.contact@very-long-organisation-name.example</div>')
    problems = _problems(page, body, (REFLOW,))
    assert problems and "clipped text: div#cut" in problems[0]


def test_text_spacing_that_overflows_a_fixed_height_box_is_reported(page):
    # One line of 16 px text at line height 1.25 fits 20 px; at line height 1.5 it does not.
    body = '<div id="fixed" style="height: 20px; overflow: hidden">Status</div>'
    assert _problems(page, body, (REFLOW,)) == []
    problems = _problems(page, body, (TEXT_SPACING,))
    assert problems and "clipped text: div#fixed" in problems[0]


def test_a_table_scrolling_in_a_box_must_be_a_focusable_named_region(page):
    table = '<table><tr>' + '<td>cell&nbsp;with&nbsp;text</td>' * 8 + '</tr></table>'
    bare = f'<div id="wrap" style="overflow-x: auto">{table}</div>'
    problems = _problems(page, bare, (REFLOW,))
    assert problems and "scrolling region without tabindex=0" in problems[0]
    region = (f'<div style="overflow-x: auto" tabindex="0" role="region" '
              f'aria-label="Suppliers, scrolls sideways">{table}</div>')
    assert _problems(page, region, (REFLOW,)) == []


def test_the_nu_html_checker_reports_a_form_inside_a_span(tmp_path):
    command = checker_command()
    valid = tmp_path / "valid.html"
    valid.write_text(PAGE.format("<form method='post'><button>Sign out</button></form>"))
    invalid = tmp_path / "invalid.html"
    invalid.write_text(PAGE.format("<span><form method='post'><button>Sign out</button>"
                                   "</form></span>"))
    errors = html_errors(command, [valid, invalid])
    assert {error.path for error in errors} == {invalid}
    assert any("form" in error.message and "span" in error.message for error in errors)


def test_pages_sharing_a_title_are_named_but_one_page_seen_by_two_roles_is_not():
    def visit(role, path, title):
        return Visit(role, "endpoint", path, None, "", title, path)

    crawl = Crawl(visits=[visit("officer", "/a", "Suppliers"), visit("admin", "/a", "Suppliers"),
                          visit("supplier", "/b", "Page – Section"),
                          visit("supplier", "/c", "Page – Section")])
    assert check_titles_are_unique(crawl) == ["2 pages titled 'Page – Section': ['/b', '/c']"]


def test_html_errors_point_at_the_file(tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text(PAGE.format("<p><div>block in a paragraph</div></p>"))
    errors = html_errors(checker_command(), [page_file])
    assert errors and all(error.path == Path(page_file) for error in errors)
    assert all(error.line for error in errors)
