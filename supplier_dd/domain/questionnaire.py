"""Versioned questionnaires as data: parse, validate, show the right questions, check answers.

A definition is a TOML file, `supplier_dd/questionnaires/<id>/v<version>.toml`. Once published it
never changes: `questionnaires/published.lock` holds its SHA-256 and `check_published_lock`
reports any drift. Changes mean a new version file.

Schema (the same text heads `modern_slavery/v1.toml`):

- Top level: `id`, `version` (int), `title`, `status` ("draft" | "published"), `published_on`.
- `[s54_areas]`, `[kpis]`: key -> label. `[red_flags]`: key -> {title, knockout}.
- `[[sections]]`: `id`, `title`, `description`, `pages = [{id, title}]`, in journey order.
- `[[questions]]`, in journey order:
  `id` (stable, snake_case, section prefix: org_, s54_, excl_, pol_, wf_, sc_, trn_, rem_),
  `section`, `page`, `type` (see QUESTION_TYPES), `text`, `short` (label for 'check your
  answers' and error messages), `help`, `required`, `weight` (>= 0, required on every question;
  only choice types may have weight > 0), `kpis` (keys of [kpis]), `s54_area` (optional key of
  [s54_areas]), `show_if` (optional condition on earlier questions), `options` (choice types:
  `{value, label, points, red_flag?, exclusive?, exposure?}`) or `options_from = "sectors"`,
  and per type `max_length`, `min`/`max`, `not_in_future`, `format = "company_number"`.
- `level` (optional, from v2): "core" (the default: asked of everyone), "medium" or "high" - the
  proportionate form (PPN 02/23) asks a supplier the questions at or below its form level; see
  FORM_LEVELS and `Questionnaire.at_level`. `cap` (optional, multiple_choice only): the most
  points the question can earn however many options are ticked (at most the sum of its options'
  points); risk model v2 reads it in place of its own cap (domain/risk/evidence.py).
- Conditions: `{question, any_of = [values]}`, `{any = [conditions]}`, `{all = [conditions]}`.
  A hidden question's answer is ignored, and questions conditional on it are hidden too.
- Points: more favourable answer = more points. A question's maximum is its best option
  (yes_no, single_choice) or the sum of its options (multiple_choice).

Answer values are JSON: choice -> "value"; multiple_choice -> ["value", ...] in option order;
text, long_text, url -> str; number -> int; date -> "YYYY-MM-DD"; country_list -> ["GB", ...];
file -> [{"evidence_id": int, "filename": str, "sha256": str}, ...].

This module is pure: no Flask or SQLAlchemy, and time is passed in (`today`).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from supplier_dd.domain.answer_consistency import contradictions
from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.domain.organisations import (
    country_name,
    is_country,
    normalise_company_number,
    sectors,
)

QUESTION_TYPES = (
    "yes_no", "single_choice", "multiple_choice", "text", "long_text", "number", "date", "url",
    "country_list", "file",
)
CHOICE_TYPES = frozenset({"yes_no", "single_choice", "multiple_choice"})
LIST_TYPES = frozenset({"multiple_choice", "country_list", "file"})
OPTION_SOURCES = {"sectors": sectors}
DEFAULT_MAX_LENGTH = {"text": 300, "long_text": 5000, "url": 500}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# The proportionate form's levels, shortest first: a form at a level asks every question at that
# level or an earlier one. A question without `level` is "core".
FORM_LEVELS = ("core", "medium", "high")
DEFAULT_LEVEL = "core"
PACKAGE = "supplier_dd.questionnaires"
LOCK_FILE = "published.lock"


class QuestionnaireError(ValueError):
    """A definition that cannot be used; `messages` says every problem found."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# --- Model -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    points: int
    red_flag: str | None = None
    exclusive: bool = False
    exposure: bool = False


@dataclass(frozen=True)
class Condition:
    """Holds when the answer to `question` is (or, for a list answer, includes) any of `values`."""

    question: str
    values: tuple[str, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        answer = answers.get(self.question)
        if isinstance(answer, list):
            return any(str(item) in self.values for item in answer)
        return answer is not None and str(answer) in self.values

    def question_ids(self) -> tuple[str, ...]:
        return (self.question,)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition | AnyOf | AllOf, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return any(c.holds(answers) for c in self.conditions)

    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for c in self.conditions for q in c.question_ids())


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition | AnyOf | AllOf, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.conditions)

    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for c in self.conditions for q in c.question_ids())


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    page: str
    type: str
    text: str
    short: str
    help: str
    required: bool
    weight: float
    kpis: tuple[str, ...] = ()
    s54_area: str | None = None
    show_if: Condition | AnyOf | AllOf | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    not_in_future: bool = False
    format: str | None = None
    level: str = DEFAULT_LEVEL
    cap: int | None = None

    def asked_at(self, form_level: str | None) -> bool:
        """Whether a form at `form_level` asks this question (None: the whole questionnaire)."""
        if form_level is None:
            return True
        return FORM_LEVELS.index(self.level) <= FORM_LEVELS.index(form_level)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def max_points(self) -> int:
        if not self.options:
            return 0
        if self.type == "multiple_choice":
            return sum(o.points for o in self.options)
        return max(o.points for o in self.options)


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    section: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: str
    status: str
    published_on: date | None
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    kpis: Mapping[str, str] = field(default_factory=dict)
    red_flags: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    s54_areas: Mapping[str, str] = field(default_factory=dict)
    # The proportionate form level this view asks (None: every question, as v1 always does).
    form_level: str | None = None

    def at_level(self, form_level: str | None) -> Questionnaire:
        """The questionnaire as a supplier at `form_level` is asked it: only the questions at that
        level or below, so every function taking a questionnaire (visibility, required answers,
        the signed answers, scoring) sees the same questions. None, or a version without levels
        (v1), gives the whole questionnaire."""
        if form_level is None or not self.has_levels:
            return self
        if form_level not in FORM_LEVELS:
            raise ValueError(f"unknown form level {form_level!r}")
        return replace(self, questions=tuple(q for q in self.questions if q.asked_at(form_level)),
                       form_level=form_level)

    @property
    def has_levels(self) -> bool:
        """Whether any question is asked only on a longer form (v1: none is)."""
        return any(q.level != DEFAULT_LEVEL for q in self.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def questions_on(self, section_id: str, page_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section_id and q.page == page_id)

    def questions_in(self, section_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section_id)

    def visible_questions(self, answers: Mapping[str, Any]) -> tuple[Question, ...]:
        return visible_questions(self, answers)

    def all_pages(self) -> tuple[Page, ...]:
        return tuple(page for section in self.sections for page in section.pages)


# --- Parsing and validation ---------------------------------------------------------------------


def _condition(raw: Any, where: str, earlier: list[str], problems: list[str]):
    """Build a condition, reporting problems; `earlier` are the ids defined before this question."""
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: show_if must be a table like {{question = ..., any_of = [...]}}")
        return None
    if "any" in raw or "all" in raw:
        key = "any" if "any" in raw else "all"
        items = raw[key]
        if not isinstance(items, list) or not items:
            problems.append(f"{where}: show_if.{key} must be a non-empty list of conditions")
            return None
        parts = tuple(_condition(item, where, earlier, problems) for item in items)
        if any(p is None for p in parts):
            return None
        return AnyOf(parts) if key == "any" else AllOf(parts)
    target = raw.get("question")
    values = raw.get("any_of")
    if not isinstance(target, str) or not isinstance(values, list) or not values:
        problems.append(f"{where}: show_if needs question = \"id\" and any_of = [values]")
        return None
    if target not in earlier:
        problems.append(
            f"{where}: show_if refers to unknown question {target!r} "
            "(it must be an id defined earlier in the file)"
        )
        return None
    return Condition(target, tuple(str(v) for v in values))


def _options(raw: Mapping[str, Any], kind: str, where: str, red_flags: Mapping,
             problems: list[str]) -> tuple[Option, ...]:
    if kind not in CHOICE_TYPES:
        if "options" in raw or "options_from" in raw:
            problems.append(f"{where}: a {kind} question cannot have options")
        return ()
    if "options_from" in raw:
        source = OPTION_SOURCES.get(raw["options_from"])
        if source is None:
            problems.append(
                f"{where}: options_from {raw['options_from']!r} is not one of "
                f"{', '.join(sorted(OPTION_SOURCES))}"
            )
            return ()
        return tuple(Option(value=item, label=item, points=0) for item in source())
    items = raw.get("options")
    if not isinstance(items, list) or not items:
        problems.append(f"{where}: a {kind} question needs options (or options_from)")
        return ()
    options = []
    for index, item in enumerate(items):
        at = f"{where} option {index + 1}"
        if not isinstance(item, Mapping):
            problems.append(f"{at}: must be a table {{value, label, points}}")
            continue
        value, label, points = item.get("value"), item.get("label"), item.get("points")
        if not isinstance(value, str) or not value:
            problems.append(f"{at}: needs a value")
            continue
        if not isinstance(label, str) or not label:
            problems.append(f"{at} ({value}): needs a label")
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            problems.append(f"{at} ({value}): points must be a whole number 0 or more")
            points = 0
        flag = item.get("red_flag")
        if flag is not None and flag not in red_flags:
            problems.append(f"{at} ({value}): red_flag {flag!r} is not declared in [red_flags]")
        options.append(Option(
            value=value, label=label or value, points=points, red_flag=flag,
            exclusive=bool(item.get("exclusive", False)),
            exposure=bool(item.get("exposure", False)),
        ))
    values = [o.value for o in options]
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        problems.append(f"{where}: duplicate option values {', '.join(duplicates)}")
    if kind == "yes_no" and sorted(values) != ["no", "yes"]:
        problems.append(f"{where}: a yes_no question must have exactly the options yes and no")
    return tuple(options)


def _build(data: Mapping[str, Any]) -> tuple[Questionnaire | None, list[str]]:
    problems: list[str] = []
    for key in ("id", "version", "title", "status"):
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    if data.get("status") not in ("draft", "published"):
        problems.append("status must be \"draft\" or \"published\"")
    if not isinstance(data.get("version"), int):
        problems.append("version must be a whole number")
    kpis = dict(data.get("kpis", {}))
    s54_areas = dict(data.get("s54_areas", {}))
    red_flags = {}
    for key, value in dict(data.get("red_flags", {})).items():
        if not isinstance(value, Mapping) or "title" not in value:
            problems.append(f"red flag {key!r} needs a title")
            continue
        red_flags[key] = {"title": value["title"], "knockout": bool(value.get("knockout", False))}

    sections: list[Section] = []
    pages_by_section: dict[str, set[str]] = {}
    for index, raw in enumerate(data.get("sections", [])):
        section_id = raw.get("id")
        if not isinstance(section_id, str) or not _ID.match(section_id):
            problems.append(f"section {index + 1}: needs an id in snake_case")
            continue
        if section_id in pages_by_section:
            problems.append(f"duplicate section id {section_id!r}")
            continue
        pages = []
        for page in raw.get("pages", []):
            if not isinstance(page, Mapping) or not page.get("id") or not page.get("title"):
                problems.append(f"section {section_id}: every page needs an id and a title")
                continue
            pages.append(Page(id=page["id"], title=page["title"], section=section_id))
        page_ids = [p.id for p in pages]
        if len(set(page_ids)) != len(page_ids):
            problems.append(f"section {section_id}: duplicate page ids")
        if not pages:
            problems.append(f"section {section_id}: needs at least one page")
        pages_by_section[section_id] = set(page_ids)
        sections.append(Section(
            id=section_id, title=raw.get("title") or section_id,
            description=raw.get("description", ""), pages=tuple(pages),
        ))
    if not sections:
        problems.append("the questionnaire needs at least one [[sections]] entry")

    questions: list[Question] = []
    seen: list[str] = []
    for index, raw in enumerate(data.get("questions", [])):
        question_id = raw.get("id")
        where = f"question {question_id or index + 1}"
        if not isinstance(question_id, str) or not _ID.match(question_id):
            problems.append(f"question {index + 1}: needs an id in snake_case")
            continue
        if question_id in seen:
            problems.append(f"duplicate question id {question_id!r}")
            continue
        kind = raw.get("type")
        if kind not in QUESTION_TYPES:
            problems.append(f"{where}: type {kind!r} is not one of {', '.join(QUESTION_TYPES)}")
        section_id, page_id = raw.get("section"), raw.get("page")
        if section_id not in pages_by_section:
            problems.append(f"{where}: unknown section {section_id!r}")
        elif page_id not in pages_by_section[section_id]:
            problems.append(f"{where}: unknown page {page_id!r} in section {section_id!r}")
        for key in ("text", "short", "help"):
            if not isinstance(raw.get(key), str) or not raw.get(key).strip():
                problems.append(f"{where}: missing {key}")
        if not isinstance(raw.get("required"), bool):
            problems.append(f"{where}: required must be true or false")
        weight = raw.get("weight")
        if weight is None:
            problems.append(f"{where}: missing weight (use weight = 0 for unscored questions)")
            weight = 0
        elif isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            problems.append(f"{where}: weight must be a number 0 or more")
            weight = 0
        elif weight > 0 and kind not in CHOICE_TYPES:
            problems.append(f"{where}: only yes_no and choice questions can carry a weight")
        question_kpis = raw.get("kpis", [])
        for kpi in question_kpis:
            if kpi not in kpis:
                problems.append(f"{where}: kpi {kpi!r} is not declared in [kpis]")
        area = raw.get("s54_area")
        if area is not None and area not in s54_areas:
            problems.append(f"{where}: s54_area {area!r} is not declared in [s54_areas]")
        show_if = None
        if "show_if" in raw:
            show_if = _condition(raw["show_if"], where, seen, problems)
        options = _options(raw, kind, where, red_flags, problems)
        if show_if is not None:
            _check_condition_values(show_if, questions, where, problems)
        if weight and options and max(o.points for o in options) == 0:
            problems.append(f"{where}: has a weight but no option scores any points")
        level = raw.get("level", DEFAULT_LEVEL)
        if level not in FORM_LEVELS:
            problems.append(f"{where}: level {level!r} is not one of {', '.join(FORM_LEVELS)}")
            level = DEFAULT_LEVEL
        cap = _cap(raw, kind, options, where, problems)
        seen.append(question_id)
        questions.append(Question(
            id=question_id, section=section_id, page=page_id, type=kind, text=raw.get("text", ""),
            short=raw.get("short", ""), help=raw.get("help", ""),
            required=bool(raw.get("required", False)), weight=weight,
            kpis=tuple(question_kpis), s54_area=area, show_if=show_if, options=options,
            max_length=raw.get("max_length", DEFAULT_MAX_LENGTH.get(kind)),
            minimum=raw.get("min"), maximum=raw.get("max"),
            not_in_future=bool(raw.get("not_in_future", False)), format=raw.get("format"),
            level=level, cap=cap,
        ))
    if not questions:
        problems.append("the questionnaire needs at least one [[questions]] entry")
    for section in sections:
        for page in section.pages:
            if not any(q.section == section.id and q.page == page.id for q in questions):
                problems.append(f"section {section.id}: page {page.id!r} has no questions")
    if problems:
        return None, problems
    return Questionnaire(
        id=data["id"], version=data["version"], title=data["title"], status=data["status"],
        published_on=data.get("published_on"), sections=tuple(sections),
        questions=tuple(questions), kpis=kpis, red_flags=red_flags, s54_areas=s54_areas,
    ), []


def _cap(raw: Mapping[str, Any], kind: Any, options: tuple[Option, ...], where: str,
         problems: list[str]) -> int | None:
    """A multiple_choice question's `cap`: a whole number from 0 to the sum of its points."""
    if "cap" not in raw:
        return None
    cap = raw["cap"]
    if kind != "multiple_choice":
        problems.append(f"{where}: only a multiple_choice question can have a cap")
        return None
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 0:
        problems.append(f"{where}: cap must be a whole number 0 or more")
        return None
    total = sum(o.points for o in options)
    if cap > total:
        problems.append(
            f"{where}: cap {cap} is more than the {total} points its options add up to"
        )
        return None
    return cap


def _check_condition_values(condition, earlier: list[Question], where: str,
                            problems: list[str]) -> None:
    """A condition on a choice question must name values that question can have."""
    if isinstance(condition, AnyOf | AllOf):
        for part in condition.conditions:
            _check_condition_values(part, earlier, where, problems)
        return
    target = next((q for q in earlier if q.id == condition.question), None)
    if target is None or not target.options:
        return
    unknown = [v for v in condition.values if target.option(v) is None]
    if unknown:
        problems.append(
            f"{where}: show_if on {target.id} uses values it cannot have: {', '.join(unknown)}"
        )


def validate_definition(data: Mapping[str, Any]) -> list[str]:
    """Every problem in a parsed TOML definition, as messages a person can act on."""
    return _build(data)[1]


def parse_questionnaire(data: Mapping[str, Any]) -> Questionnaire:
    questionnaire, problems = _build(data)
    if problems:
        raise QuestionnaireError(problems)
    return questionnaire


def parse_toml(text: str) -> Questionnaire:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError([f"not valid TOML: {error}"]) from None
    return parse_questionnaire(data)


# --- Files and the published lock ----------------------------------------------------------------


def definition_path(questionnaire_id: str, version: int) -> str:
    return f"{questionnaire_id}/v{version}.toml"


def _package_root():
    return resources.files(PACKAGE)


def definition_files() -> list[str]:
    """Relative paths of every definition, like 'modern_slavery/v1.toml'."""
    found = []
    for folder in _package_root().iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            for item in folder.iterdir():
                if re.fullmatch(r"v\d+\.toml", item.name):
                    found.append(f"{folder.name}/{item.name}")
    return sorted(found)


def read_definition(relative_path: str) -> bytes:
    return _package_root().joinpath(relative_path).read_bytes()


def read_lock() -> dict[str, str]:
    """The lock file: one `<sha256>  <relative path>` per line (sha256sum format)."""
    entries = {}
    text = _package_root().joinpath(LOCK_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            digest, path = line.split(maxsplit=1)
            entries[path.strip()] = digest
    return entries


def check_definition_bytes(relative_path: str, content: bytes,
                           lock: Mapping[str, str]) -> list[str]:
    """Problems with one definition file: its schema, its name, and its lock entry."""
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [f"{relative_path}: not valid TOML: {error}"]
    problems = [f"{relative_path}: {m}" for m in validate_definition(data)]
    folder, _, name = relative_path.partition("/")
    if data.get("id") != folder or name != f"v{data.get('version')}.toml":
        problems.append(
            f"{relative_path}: id and version must match the path "
            f"(expected {folder}/v<version>.toml with id = \"{folder}\")"
        )
    digest = hashlib.sha256(content).hexdigest()
    if data.get("status") == "published":
        if relative_path not in lock:
            problems.append(f"{relative_path}: published but missing from {LOCK_FILE}")
        elif lock[relative_path] != digest:
            problems.append(
                f"{relative_path}: changed after it was published (its SHA-256 no longer matches "
                f"{LOCK_FILE}); restore it and put changes in a new version"
            )
    elif relative_path in lock:
        problems.append(f"{relative_path}: listed in {LOCK_FILE} but its status is not published")
    return problems


def check_all_definitions() -> list[str]:
    """What `supplier-dd questionnaires check` reports: empty when every definition is sound."""
    lock = read_lock()
    files = definition_files()
    problems = []
    for path in files:
        problems.extend(check_definition_bytes(path, read_definition(path), lock))
    for path in sorted(set(lock) - set(files)):
        problems.append(f"{LOCK_FILE} lists {path}, which does not exist")
    return problems


@cache
def load_questionnaire(questionnaire_id: str, version: int) -> Questionnaire:
    return parse_toml(read_definition(definition_path(questionnaire_id, version)).decode("utf-8"))


def current_version(questionnaire_id: str) -> Questionnaire:
    """The newest published version: what new declarations use."""
    versions = sorted(
        int(path.split("/v")[1].removesuffix(".toml"))
        for path in definition_files()
        if path.startswith(f"{questionnaire_id}/")
    )
    for version in reversed(versions):
        questionnaire = load_questionnaire(questionnaire_id, version)
        if questionnaire.status == "published":
            return questionnaire
    raise KeyError(f"no published version of {questionnaire_id}")


# --- Answers ------------------------------------------------------------------------------------


def is_answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def visible_questions(questionnaire: Questionnaire, answers: Mapping[str, Any],
                      level: str | None = None) -> tuple[Question, ...]:
    """Questions shown given saved answers. Answers to hidden questions do not count, so hiding a
    question also hides the ones that depend on it. `level` narrows to a proportionate form level
    (as `Questionnaire.at_level` does); None keeps the questionnaire's own questions."""
    effective: dict[str, Any] = {}
    shown = []
    for question in questionnaire.questions:
        if not question.asked_at(level):
            continue
        if question.show_if is None or question.show_if.holds(effective):
            shown.append(question)
            if question.id in answers:
                effective[question.id] = answers[question.id]
    return tuple(shown)


def visible_pages(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> tuple[Page, ...]:
    """Pages with at least one visible question, in journey order."""
    visible = {(q.section, q.page) for q in visible_questions(questionnaire, answers)}
    return tuple(p for p in questionnaire.all_pages() if (p.section, p.id) in visible)


def clean_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only answers to visible questions, and only non-empty ones: what is signed and kept."""
    return {
        q.id: answers[q.id]
        for q in visible_questions(questionnaire, answers)
        if is_answered(answers.get(q.id))
    }


def required_message(question: Question) -> str:
    label = question.short[:1].lower() + question.short[1:]
    if question.type == "yes_no":
        return f"Select yes or no: {label}"
    if question.type == "single_choice":
        return f"Select an answer: {label}"
    if question.type in ("multiple_choice", "country_list"):
        return f"Select at least one: {label}"
    if question.type == "file":
        return f"Upload a file: {label}"
    return f"Enter {label}"


def unanswered_required(questionnaire: Questionnaire, answers: Mapping[str, Any],
                        section_id: str | None = None) -> list[Question]:
    return [
        q for q in visible_questions(questionnaire, answers)
        if q.required and not is_answered(answers.get(q.id))
        and (section_id is None or q.section == section_id)
    ]


def section_status(questionnaire: Questionnaire, answers: Mapping[str, Any],
                   section_id: str) -> str:
    """'not_started', 'in_progress' or 'completed', for the task list."""
    shown = [q for q in visible_questions(questionnaire, answers) if q.section == section_id]
    if not any(is_answered(answers.get(q.id)) for q in shown):
        return "not_started"
    if unanswered_required(questionnaire, answers, section_id):
        return "in_progress"
    return "completed"


def triggered_red_flags(questionnaire: Questionnaire, answers: Mapping[str, Any]
                        ) -> list[tuple[Question, Option]]:
    """Visible answers that raise a red flag, knock-outs first."""
    found = []
    for question in visible_questions(questionnaire, answers):
        value = answers.get(question.id)
        values = value if isinstance(value, list) else [value]
        for item in values:
            option = question.option(item) if isinstance(item, str) else None
            if option is not None and option.red_flag:
                found.append((question, option))
    return sorted(
        found,
        key=lambda pair: not questionnaire.red_flags[pair[1].red_flag]["knockout"],
    )


# --- Validating one answer ----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCheck:
    """The outcome of checking one raw answer: a JSON value, or a message for the person."""

    value: Any = None
    error: str | None = None

    def __iter__(self):  # lets callers write `value, error = validate_answer(...)`
        return iter((self.value, self.error))


def _as_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw] if raw.strip() else []
    return [str(item) for item in raw if str(item).strip()]


def _parse_date(question: Question, raw: Any, today: date | None) -> AnswerCheck:
    label = question.short
    if isinstance(raw, Mapping):
        parts = {k: str(raw.get(k) or "").strip() for k in ("day", "month", "year")}
        if not any(parts.values()):
            return AnswerCheck(None)
        missing = [k for k in ("day", "month", "year") if not parts[k]]
        if missing:
            return AnswerCheck(error=f"{label} must include a {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts.values()) or len(parts["year"]) != 4:
            return AnswerCheck(error=f"{label} must be a real date, like 31 3 2025")
        try:
            value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            return AnswerCheck(error=f"{label} must be a real date")
    else:
        text = str(raw or "").strip()
        if not text:
            return AnswerCheck(None)
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return AnswerCheck(error=f"{label} must be a real date, like 31 3 2025")
    if value.year < 1900:
        return AnswerCheck(error=f"{label} must be after 1900")
    if question.not_in_future and today is not None and value > today:
        return AnswerCheck(error=f"{label} must be today or in the past")
    return AnswerCheck(value.isoformat())


def _parse_url(question: Question, text: str) -> AnswerCheck:
    candidate = text if "://" in text else f"https://{text}"
    parts = urlsplit(candidate)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in candidate:
        return AnswerCheck(
            error=f"Enter {question.short[:1].lower() + question.short[1:]} in the correct "
            "format, like https://www.example.co.uk/modern-slavery-statement"
        )
    return AnswerCheck(candidate)


def validate_answer(question: Question, raw: Any, *, today: date | None = None) -> AnswerCheck:
    """Check one raw answer (form strings; a day/month/year mapping for dates; a list for
    multiple values). Returns AnswerCheck(value) or AnswerCheck(error=message). An empty answer
    is value None and no error: whether it is required is decided over the whole page."""
    kind = question.type
    label = question.short[:1].lower() + question.short[1:]
    if kind == "date":
        return _parse_date(question, raw, today)
    if kind in ("yes_no", "single_choice"):
        text = _as_list(raw)
        if not text:
            return AnswerCheck(None)
        if len(text) > 1 or question.option(text[0].strip()) is None:
            return AnswerCheck(error=required_message(question))
        return AnswerCheck(text[0].strip())
    if kind == "multiple_choice":
        chosen = set(v.strip() for v in _as_list(raw))
        if not chosen:
            return AnswerCheck(None)
        if any(question.option(v) is None for v in chosen):
            return AnswerCheck(error=f"Select only the options shown: {label}")
        exclusive = [o for o in question.options if o.exclusive and o.value in chosen]
        if exclusive and len(chosen) > 1:
            return AnswerCheck(
                error=f"Select ‘{exclusive[0].label}’ on its own, or the other options: {label}"
            )
        return AnswerCheck([o.value for o in question.options if o.value in chosen])
    if kind == "country_list":
        chosen = [v.strip().upper() for v in _as_list(raw)]
        if not chosen:
            return AnswerCheck(None)
        unknown = [v for v in chosen if not is_country(v)]
        if unknown:
            return AnswerCheck(error=f"Select countries from the list: {label}")
        return AnswerCheck(sorted(set(chosen)))
    if kind == "file":
        # Files arrive through the evidence service, which builds these entries itself.
        if not raw:
            return AnswerCheck(None)
        if not isinstance(raw, list) or not all(
            isinstance(item, Mapping) and {"evidence_id", "filename", "sha256"} <= set(item)
            for item in raw
        ):
            return AnswerCheck(error=required_message(question))
        return AnswerCheck(list(raw))

    if isinstance(raw, list | tuple):
        raw = raw[0] if len(raw) == 1 else " ".join(str(item) for item in raw)
    text = str(raw or "").replace("\r\n", "\n").strip()
    if not text:
        return AnswerCheck(None)
    # Several lines allowed for every kind: a one-line answer's breaks are folded below.
    if problem := control_character_problem(question.short, text, multiline=True):
        return AnswerCheck(error=problem)
    if question.max_length and len(text) > question.max_length:
        return AnswerCheck(
            error=f"{question.short} must be {question.max_length:,} characters or fewer"
        )
    if kind == "number":
        cleaned = text.replace(",", "")
        if not re.fullmatch(r"-?\d+", cleaned):
            return AnswerCheck(error=f"{question.short} must be a whole number, like 25")
        number = int(cleaned)
        if question.minimum is not None and number < question.minimum:
            return AnswerCheck(error=f"{question.short} must be {question.minimum} or more")
        if question.maximum is not None and number > question.maximum:
            return AnswerCheck(error=f"{question.short} must be {question.maximum:,} or less")
        return AnswerCheck(number)
    if kind == "url":
        return _parse_url(question, text)
    if kind == "text" and "\n" in text:
        text = " ".join(text.split())
    if question.format == "company_number":
        try:
            return AnswerCheck(normalise_company_number(text))
        except ValueError as error:
            return AnswerCheck(error=str(error))
    return AnswerCheck(text)


def cross_field_errors(questionnaire: Questionnaire, answers: Mapping[str, Any]
                       ) -> dict[str, str]:
    """Checks that need two answers: a statement period must end after it starts, and the
    contradictions of `answer_consistency` (a relevant commercial organisation under £36m)."""
    errors = {}
    start, end = answers.get("s54_period_start"), answers.get("s54_period_end")
    pages = {q.id: (q.section, q.page) for q in visible_questions(questionnaire, answers)}
    if (
        "s54_period_end" in pages and isinstance(start, str) and isinstance(end, str)
        and end <= start
    ):
        errors["s54_period_end"] = "Statement period end must be after the period start"
    for question_id, message in contradictions(answers, pages).items():
        errors.setdefault(question_id, message)
    return errors


# --- Canonical form and hash --------------------------------------------------------------------


def canonical_document(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict:
    return {
        "questionnaire": questionnaire.id,
        "version": questionnaire.version,
        "answers": clean_answers(questionnaire, answers),
    }


def canonical_json(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 as is: the same answers give the same
    text, and therefore the same hash, on any machine."""
    return json.dumps(
        canonical_document(questionnaire, answers), sort_keys=True, separators=(",", ":"),
        ensure_ascii=False, allow_nan=False,
    )


def answers_sha256(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Showing answers ----------------------------------------------------------------------------


def answer_lines(question: Question, value: Any) -> list[str]:
    """An answer as lines of plain text, for 'check your answers', officers' views and PDFs."""
    if not is_answered(value):
        return []
    if question.type in CHOICE_TYPES:
        values = value if isinstance(value, list) else [value]
        return [(question.option(str(v)).label if question.option(str(v)) else str(v))
                for v in values]
    if question.type == "country_list":
        return [country_name(str(code)) for code in value]
    if question.type == "file":
        return [str(item.get("filename", "")) for item in value if isinstance(item, Mapping)]
    if question.type == "date":
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return [str(value)]
        return [f"{day.day} {day:%B %Y}"]
    if question.type == "number":
        return [f"{value:,}" if isinstance(value, int) else str(value)]
    return str(value).splitlines() or [""]
