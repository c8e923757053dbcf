"""`supplier-dd questionnaires check` passes on v1 and fails with clear messages when broken."""

from __future__ import annotations

from supplier_dd.domain import questionnaire
from supplier_dd.domain.questionnaire import read_definition


def test_check_passes_on_the_published_definitions(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert "modern_slavery/v1.toml" in result.output
    assert "OK" in result.output


def test_check_fails_with_clear_messages_on_a_broken_definition(runner, monkeypatch):
    original = read_definition("modern_slavery/v1.toml").decode("utf-8")
    broken = (
        original
        .replace('show_if = { question = "org_in_group", any_of = ["yes"] }',
                 'show_if = { question = "org_in_a_group", any_of = ["yes"] }')
        .replace('id = "org_countries"', 'id = "org_legal_name"')
        .replace('max_length = 300\nweight = 0\nkpis = []\ns54_area = "structure"\n\n'
                 '[[questions]]\nid = "org_company_number"',
                 'max_length = 300\nkpis = []\ns54_area = "structure"\n\n'
                 '[[questions]]\nid = "org_company_number"')
    )
    files = {"modern_slavery/v1.toml": original, "modern_slavery/v2.toml":
             broken.replace("version = 1", "version = 2").replace('status = "published"',
                                                                  'status = "draft"')}
    monkeypatch.setattr(questionnaire, "definition_files", lambda: sorted(files))
    monkeypatch.setattr(questionnaire, "read_definition",
                        lambda path: files[path].encode("utf-8"))
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 1
    assert "question org_parent_name: show_if refers to unknown question 'org_in_a_group'" in (
        result.output)
    assert "duplicate question id 'org_legal_name'" in result.output
    assert "question org_legal_name: missing weight" in result.output
    assert "modern_slavery/v2.toml" in result.output
    assert "problems in 2 questionnaire definitions" in result.output


def test_check_reports_an_edited_published_file(runner, monkeypatch):
    edited = read_definition("modern_slavery/v1.toml").replace(b"legal name", b"registered name")
    monkeypatch.setattr(questionnaire, "read_definition", lambda path: edited)
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 1
    assert "changed after it was published" in result.output
