"""Test helpers: a client that fills real forms (with their CSRF tokens), and sign-in."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from flask import g, has_app_context
from flask.testing import FlaskClient


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None
        # A browser sends nothing from a disabled control or from inside a disabled fieldset.
        self._fieldsets: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self._fieldsets.append("disabled" in attrs)
            return
        if any(self._fieldsets) or "disabled" in attrs:
            return
        if tag == "form":
            self._current = {"action": attrs.get("action"), "method": attrs.get("method", "get"),
                             "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag == "input":
            name = attrs.get("name")
            if not name:
                return
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._current["fields"].setdefault(name, attrs.get("value", "on"))
            elif kind not in ("submit", "file"):
                self._current["fields"][name] = attrs.get("value", "")
        elif self._current is not None and tag == "select":
            self._select = attrs.get("name")
        elif self._current is not None and tag == "option" and self._select:
            if "selected" in attrs:
                self._current["fields"][self._select] = attrs.get("value", "")
        elif self._current is not None and tag == "textarea":
            self._current["fields"].setdefault(attrs.get("name"), "")

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def forms_in(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def csrf_token_in(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class FormClient(FlaskClient):
    def open(self, *args, **kwargs):
        # Tests keep an app context open, which requests then share. Empty `g` so nothing a
        # request cached there (Flask-Login's user, Flask-WTF's CSRF token) leaks to the next.
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)

    def submit(self, url: str, data: dict | None = None, *, form_index: int = -1, **kwargs):
        """GET the page, take the form (its hidden fields and CSRF token), merge data, POST it."""
        page = self.get(url)
        assert page.status_code == 200, f"GET {url} gave {page.status_code}"
        forms = [f for f in forms_in(page.get_data(as_text=True)) if f["method"].lower() == "post"]
        assert forms, f"no POST form on {url}"
        form = forms[form_index]
        fields = dict(form["fields"])
        fields.update(data or {})
        return self.post(form["action"] or url, data=fields, **kwargs)

    def sign_in(self, email: str, password: str):
        response = self.submit("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, f"sign-in as {email} failed"
        return response


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def words_of(response) -> str:
    """The page's words as a reader sees them: no tags, entities read (& not &amp;), one space
    between words, so a table row reads "S1 Suppliers with a contract ..."."""
    without_tags = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()


def any_csrf_token(client) -> str:
    """A valid CSRF token for the client's session: signed-in pages carry the sign-out form."""
    for path in ("/accessibility", "/sign-in"):
        html = client.get(path).get_data(as_text=True)
        if 'name="csrf_token"' in html:
            return csrf_token_in(html)
    raise AssertionError("no page offered a CSRF token")
