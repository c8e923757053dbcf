"""Reading the two real action plans, and refusing input that cannot be trusted."""

from __future__ import annotations

from datetime import date

import pytest

from supplier_dd.domain.action_plans import (
    ActionPlanError,
    NoteKind,
    Rag,
    is_overdue,
    parse_action_plan,
    parse_rag,
)
from supplier_dd.domain.timeframes import DateError, Progress, Understood, parse_timeframe
from tests.programme_helpers import CITY_OF_LONDON_PLAN, NHDC_PLAN


@pytest.fixture(scope="module")
def city():
    return parse_action_plan(CITY_OF_LONDON_PLAN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nhdc():
    return parse_action_plan(NHDC_PLAN.read_text(encoding="utf-8"), default_title="NHDC 2020")


def _starts(actions, beginning):
    [match] = [a for a in actions if a.description.startswith(beginning)]
    return match


# --- City of London: a wrapped grid with Start/End columns and no refs ----------------------

def test_city_of_london_has_its_four_priorities(city):
    assert [(p.number, p.title) for p in city.priorities] == [
        (1, "Referral Pathways"), (2, "Training and Development"),
        (3, "Raising Awareness"), (4, "Data Sharing"),
    ]
    assert [len(p.actions) for p in city.priorities] == [4, 4, 4, 2]
    assert city.title == "Modern-Day Slavery Action Plan"
    assert city.details["Owner"] == "Modern-Day Slavery Operational Group"
    assert city.details["Duration"] == "April 2019 to End March 2020"


def test_city_of_london_referral_pathway_actions_keep_leads_and_dates(city):
    first, analysis, pathways, protocols = city.priorities[0].actions
    assert first.description.startswith("Staff and partner agencies know and understand")
    assert first.specific_aim.startswith("City of London Corporation staff and Partner agencies")
    assert (first.start_date, first.end_date) == (None, date(2019, 7, 1))
    assert first.lead_officer == "PD & ZD" and first.area_lead == "People Directorate"
    assert first.comments == "This will be achieved through a Learning & Development Programme."
    assert analysis.description.startswith("There needs to be needs analysis")
    assert (analysis.start_date, analysis.end_date) == (date(2019, 4, 1), date(2019, 7, 1))
    assert analysis.lead_officer == "V.C.W & E.M"
    assert pathways.lead_officer == "EM and Leads in Service Areas"
    assert protocols.description.startswith("Identify how victims of modern day slavery")
    assert (protocols.start_date, protocols.end_date) == (date(2019, 4, 1), None)
    # The aim cell is merged across the priority's rows, so each action carries it.
    assert protocols.specific_aim == first.specific_aim


def test_city_of_london_rows_split_across_lines_and_pages_are_joined(city):
    training = city.priorities[1].actions
    elearning = _starts(training, "All City of London Corporation staff")
    assert elearning.description.endswith(
        "complete train the trainer training on MDS and role this out throughout the COL and DCCS."
    )
    assert elearning.measure.endswith("This training will be offered on a regular basis to "
                                      "ensure that it is delivered to new staff.")
    assert elearning.area_lead.endswith("City of London Police.")
    multi_agency = _starts(training, "Multi-Agency Training offered to")
    assert multi_agency.description == ("Multi-Agency Training offered to partner agencies in "
                                        "the City of London on MDS.")
    assert multi_agency.measure == ("A wide range of partner agencies have received training "
                                    "on MDS pathways.")
    assert multi_agency.area_lead == "Peoples Directorate"
    assert multi_agency.comments == ("Small training budget available need to explore pooling "
                                     "of budgets.")
    assert (multi_agency.start_date, multi_agency.end_date) == (date(2019, 4, 1), date(2020, 3, 29))
    uasc = _starts(training, "UASC young people receive")
    assert uasc.start_date == date(2019, 7, 1)

    awareness = city.priorities[2].actions
    commissioned = _starts(awareness, "Commissioned Services are aware")
    assert commissioned.description.endswith("not employing staff or sub-contractors who may be "
                                             "subject to MDS")
    assert commissioned.lead_officer == "Natalie Evans"
    assert commissioned.area_lead == "Chief Officers Group and Members"
    assert (commissioned.start_date, commissioned.end_date) == (None, None)
    awareness_day = _starts(awareness, "That there is a specific awareness day")
    assert awareness_day.lead_officer == "MDS Group"
    assert awareness_day.measure.endswith("MDS, pathways for referring and the NRM")

    sharing = city.priorities[3].actions
    assert sharing[0].lead_officer == "Performance Team"
    assert sharing[1].lead_officer == "Edelle Michaels COL Police"


def test_city_of_london_report_lists_missing_refs_and_repairs(city):
    assert len(city.report.of_kind(NoteKind.NO_REF)) == 14
    assert any("page break" in note.message for note in city.report.of_kind(NoteKind.REPAIRED))
    assert all(action.ref is None for action in city.actions)


# --- NHDC: a numbered list with a single time-frame column -----------------------------------

NHDC_REFS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6",
             "3.1", "3.4", "3.5", "3.6", "3.7", "3.8", "4.1", "4.2", "5.1"]


def test_nhdc_lists_items_1_1_to_5_1(nhdc):
    assert [a.ref for a in nhdc.actions if a.ref] == NHDC_REFS
    assert [(p.number, p.title) for p in nhdc.priorities] == [
        (1, "Monitoring and reporting"), (2, "Policy and process"),
        (3, "Communication and training"), (4, "Partners"), (5, "External endorsement"),
    ]
    assert nhdc.priorities[0].aim == ("To have an effective corporate monitoring and reporting "
                                      "process")
    assert nhdc.priorities[3].aim == "To ensure links between partner organisations"
    assert nhdc.title == "NHDC 2020"


def test_nhdc_keeps_the_actions_without_refs(nhdc):
    unnumbered = [a.description for a in nhdc.actions if a.ref is None]
    assert unnumbered == [
        "Safeguarding level one and two face to face training includes MDS &HT",
        "Members encouraged to complete NHDC safeguarding e-learning which includes MDS & HT. "
        "As of 08.06.20 20/49 Members have completed this.",
        "Face to face training session being developed for Members.",
        "Ensure all new members receive safeguarding handout and training options. "
        "(Priority one, two, three & four)",
        "To work with the Shiva Foundation (All priorities)",
    ]


def test_nhdc_actions_have_their_leads_dates_and_progress(nhdc):
    by_ref = {a.ref: a for a in nhdc.actions if a.ref}
    assert by_ref["1.3"].end_date == date(2020, 12, 31)  # 'Annual report due Dec 2020'
    assert by_ref["1.2"].progress == Progress.ONGOING
    assert by_ref["1.4"].lead_officer.startswith("Legal Commercial Team Manager")
    assert by_ref["1.4"].end_date == date(2020, 6, 30)  # 'reported to Cabinet June 2020'
    assert by_ref["2.1"].end_date == date(2019, 10, 31) and by_ref["2.1"].progress == "completed"
    assert by_ref["2.3"].description.startswith("A centralised log of all MDS&HT referrals")
    assert by_ref["2.4"].timeframe.startswith("Suppliers are required to declare")
    assert by_ref["2.5"].lead_officer == by_ref["2.6"].lead_officer == "Strategic Housing Manager"
    assert (by_ref["3.1"].start_date, by_ref["3.1"].end_date) == (date(2018, 8, 1),
                                                                  date(2018, 10, 31))
    assert "First day welcome safeguarding handout" in by_ref["3.5"].description
    assert "&amp;" not in by_ref["3.5"].description
    assert by_ref["3.6"].progress == Progress.COMPLETED
    assert by_ref["3.7"].timeframe.endswith("social media & will continue to do so.")
    assert by_ref["3.8"].end_date == date(2020, 9, 30)
    assert by_ref["3.8"].progress == Progress.IN_PROGRESS
    assert by_ref["4.1"].lead_officer.startswith("Community Protection Manager")
    assert by_ref["5.1"].lead_officer == "Service Director: Legal & Community"
    assert by_ref["5.1"].end_date == date(2020, 6, 30)
    members = _starts(nhdc.actions, "Members encouraged")
    assert members.progress == Progress.ONGOING and members.end_date is None
    assert _starts(nhdc.actions, "Ensure all new members").end_date == date(2021, 5, 31)


def test_nhdc_report_says_what_was_kept_as_text_and_repaired(nhdc):
    not_understood = {note.subject for note in nhdc.report.of_kind(NoteKind.NOT_UNDERSTOOD)}
    assert {"1.1", "2.3", "2.4", "3.4"} <= not_understood
    kept = {note.subject for note in nhdc.report.of_kind(NoteKind.KEPT_AS_TEXT)}
    assert {"1.3", "1.4", "5.1"} <= kept
    repaired = " ".join(note.message for note in nhdc.report.of_kind(NoteKind.REPAIRED))
    assert "numbered 1.1, 1.2 were matched by position to actions 1.2, 1.3" in repaired
    assert "Ref 3.1 was written in the time-frame column" in repaired


# --- phrases, RAG and bad input -------------------------------------------------------------

@pytest.mark.parametrize("text, start, end, progress, understood", [
    ("01/04/2019", None, date(2019, 4, 1), None, Understood.FULLY),
    ("Ongoing", None, None, Progress.ONGOING, Understood.FULLY),
    ("Completed", None, None, Progress.COMPLETED, Understood.FULLY),
    ("May 2021", None, date(2021, 5, 31), None, Understood.FULLY),
    ("In progress \u2013 due September 2020", None, date(2020, 9, 30), Progress.IN_PROGRESS,
     Understood.FULLY),
    ("Annual report due Dec 2020", None, date(2020, 12, 31), None, Understood.PARTLY),
    ("August to October 2018", date(2018, 8, 1), date(2018, 10, 31), None, Understood.FULLY),
    ("Ongoing \u2013 last reminder in MIS Apr 2020", None, None, Progress.ONGOING,
     Understood.PARTLY),
    ("CSG meets twice a year.", None, None, None, Understood.NOT),
])
def test_time_frame_phrases(text, start, end, progress, understood):
    frame = parse_timeframe(text)
    assert (frame.start, frame.end, frame.progress, frame.understood) == (
        start, end, progress, understood)


def test_an_impossible_date_is_refused_not_guessed():
    with pytest.raises(DateError, match="31/02/2020"):
        parse_timeframe("31/02/2020")


@pytest.mark.parametrize("text, rag", [("Red", Rag.RED), ("A", Rag.AMBER),
                                       ("green - on track", Rag.GREEN), ("", None)])
def test_rag_statuses(text, rag):
    assert parse_rag(text) == rag


def test_unknown_rag_is_explained():
    with pytest.raises(ValueError, match="'Purple' is not one of Red, Amber or Green"):
        parse_rag("Purple")


HEADER = "Ref:\tAction:\tStart:\tEnd:\tLead officer:\tRAG status:"


def test_end_before_start_refuses_the_whole_file():
    text = "\n".join([HEADER, "1.1\tGood action\t01/04/2019\t01/07/2019\tAnn\tGreen",
                      "1.2\tBackwards action\t01/07/2019\t01/04/2019\tBob\tAmber"])
    with pytest.raises(ActionPlanError) as error:
        parse_action_plan(text)
    assert error.value.problems == [
        "Line 3, action 1.2: the end date 01/04/2019 is before the start date 01/07/2019."
    ]


def test_unknown_rag_refuses_the_whole_file():
    text = "\n".join([HEADER, "1.1\tAn action\t01/04/2019\t01/07/2019\tAnn\tPurple"])
    with pytest.raises(ActionPlanError, match="Line 2, action 1.1: RAG status 'Purple'"):
        parse_action_plan(text)


@pytest.mark.parametrize("text", [
    "name,email\nJo,jo@example.org\n",
    "Dear colleague,\nPlease find the action plan attached.\n",
    "",
    "\x00\x01binary",
])
def test_a_file_that_is_not_an_action_plan_is_refused(text):
    with pytest.raises(ActionPlanError, match="not an action plan"):
        parse_action_plan(text)


def test_a_header_with_no_actions_is_refused():
    with pytest.raises(ActionPlanError, match="No actions were found"):
        parse_action_plan(HEADER + "\n\n")


def test_overdue_means_due_before_today_and_not_completed():
    today = date(2026, 1, 10)
    assert is_overdue(date(2026, 1, 9), "in_progress", today)
    assert is_overdue(date(2026, 1, 9), None, today)
    assert not is_overdue(date(2026, 1, 9), "completed", today)
    assert not is_overdue(date(2026, 1, 10), None, today)
    assert not is_overdue(None, None, today)
