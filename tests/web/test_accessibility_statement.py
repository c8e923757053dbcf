"""The accessibility statement (PSBAR 2018, GOV.UK model wording) is accurate: it says the
service is partially compliant, names what does not comply (the PDFs among them), says how and
when the service is tested, and gives the council's email and phone for reporting a problem."""

from __future__ import annotations

import re

import pytest

from supplier_dd.config import ConfigError, load_settings
from tests.plugins.layout_checks import REFLOW, ZOOM_200

pytestmark = pytest.mark.sqlite_only


def _statement_text(client) -> str:
    response = client.get("/accessibility")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace(" .", ".")


@pytest.fixture
def app_env():
    return {"SUPPLIER_DD_ACCESSIBILITY_EMAIL": "access@northshire.gov.uk",
            "SUPPLIER_DD_ACCESSIBILITY_PHONE": "01234 567890",
            "SUPPLIER_DD_COUNCIL_NAME": "Northshire Council"}


def test_the_statement_gives_the_councils_email_and_phone_for_reporting_a_problem(client):
    text = _statement_text(client)
    assert "Reporting accessibility problems with this service" in text
    assert "email access@northshire.gov.uk" in text
    assert "call 01234 567890" in text
    html = client.get("/accessibility").get_data(as_text=True)
    assert 'href="mailto:access@northshire.gov.uk"' in html
    assert 'href="tel:01234567890"' in html


def test_the_statement_is_honest_about_compliance_and_names_what_does_not_comply(client):
    text = _statement_text(client)
    assert ("This service is partially compliant with the Web Content Accessibility "
            "Guidelines version 2.2 AA standard") in text
    assert "fully compliant" not in text
    assert "Non-accessible content" in text
    # The PDFs are not tagged: the declaration copy and the Cabinet pack.
    assert "PDF copy of a declaration and the Cabinet evidence pack PDF are not tagged" in text
    assert "1.3.1" in text
    # Without JavaScript nobody is warned before the session ends.
    assert "2.2.1" in text and "30 minutes" in text


def test_the_statement_says_what_was_tested_how_and_when(client):
    text = _statement_text(client)
    assert "This service was last tested on" in text
    for what in (f"{REFLOW.width} CSS pixels", f"{ZOOM_200.width * 2} pixel window at 200% zoom",
                 "text spacing", "W3C Nu Html Checker", "axe-core", "every role"):
        assert what in text, what
    # What was not done is said too.
    assert "not yet been tested by an accessibility specialist or with screen reader users" in text


def test_default_contact_details_are_placeholders_until_the_council_sets_its_own():
    settings = load_settings({})
    assert settings.accessibility_email == "accessibility@council.example"
    assert settings.accessibility_phone == "01632 960000"  # Ofcom's range for drama


def test_an_accessibility_email_that_is_not_an_address_stops_the_service_starting():
    with pytest.raises(ConfigError, match="SUPPLIER_DD_ACCESSIBILITY_EMAIL must be an email"):
        load_settings({"SUPPLIER_DD_ACCESSIBILITY_EMAIL": "the procurement team"})
