"""The supplier's own feedback: a word band per section and recommendations from its answers.

As the government's Modern Slavery Assessment Tool does, a supplier whose declaration the
council has accepted sees, per questionnaire section, how far it has got in words (never a
number, so the form cannot be answered to the score) and a recommendation for each answer that
falls short of the good practice the question asks about.

The texts live beside the questionnaire in a versioned file,
`supplier_dd/questionnaires/<id>/recommendations_v<n>.toml`, keyed by questionnaire id and
version, question id and answer value (its schema heads the file). A published questionnaire
never changes, and neither does a published recommendations file: `recommendations.lock` holds
its SHA-256, and `check_recommendation_files` reports drift. Changes mean a new file.

Pure: no Flask or SQLAlchemy, no clock.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from supplier_dd.domain.questionnaire import (
    PACKAGE,
    Questionnaire,
    load_questionnaire,
    visible_questions,
)
from supplier_dd.domain.risk.maturity import declared_maturity
from supplier_dd.domain.risk.plan import questionnaire_plan

LOCK_FILE = "recommendations.lock"
SELECTED = "selected"
NOT_SELECTED = "not_selected"
_FILE_NAME = re.compile(r"recommendations_v(\d+)\.toml")


class RecommendationsError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Band:
    name: str
    lowest_percent: float
    description: str


@dataclass(frozen=True)
class Recommendation:
    question_id: str
    answer: str
    when: str
    title: str
    text: str

    @property
    def key(self) -> str:
        """Stable id of the recommendation: what a supplier's response is filed under."""
        if self.when == NOT_SELECTED:
            return f"{self.question_id}.not.{self.answer}"
        return f"{self.question_id}.{self.answer}"


@dataclass(frozen=True)
class RecommendationSet:
    questionnaire_id: str
    questionnaire_version: int
    version: int
    status: str
    bands: tuple[Band, ...]
    unbanded_sections: frozenset[str]
    recommendations: tuple[Recommendation, ...]

    def by_key(self, key: str) -> Recommendation | None:
        return next((r for r in self.recommendations if r.key == key), None)


@dataclass(frozen=True)
class SectionFeedback:
    section_id: str
    title: str
    band: Band | None  # None: a section with no band (no scored questions, or unbanded)
    recommendations: tuple[Recommendation, ...]


# --- Parsing and checking ----------------------------------------------------------------------


def _build(data: Mapping[str, Any], questionnaire: Questionnaire
           ) -> tuple[RecommendationSet | None, list[str]]:
    problems: list[str] = []
    if data.get("questionnaire") != questionnaire.id:
        problems.append(f"questionnaire must be {questionnaire.id!r}")
    if data.get("questionnaire_version") != questionnaire.version:
        problems.append(f"questionnaire_version must be {questionnaire.version}")
    if not isinstance(data.get("version"), int):
        problems.append("version must be a whole number")
    if data.get("status") not in ("draft", "published"):
        problems.append('status must be "draft" or "published"')
    bands = []
    for index, raw in enumerate(data.get("bands", [])):
        name, lowest = raw.get("name"), raw.get("from")
        if not isinstance(name, str) or not name or not isinstance(lowest, int | float):
            problems.append(f"band {index + 1}: needs a name and a from percentage")
            continue
        bands.append(Band(name, float(lowest), str(raw.get("description", ""))))
    if not bands or bands[0].lowest_percent != 0:
        problems.append("bands must start with one from 0")
    if [b.lowest_percent for b in bands] != sorted({b.lowest_percent for b in bands}):
        problems.append("bands must be in rising order of from, each different")
    section_ids = {s.id for s in questionnaire.sections}
    unbanded = frozenset(data.get("unbanded_sections", []))
    for section_id in sorted(unbanded - section_ids):
        problems.append(f"unbanded_sections: unknown section {section_id!r}")

    recommendations: list[Recommendation] = []
    for index, raw in enumerate(data.get("recommendations", [])):
        where = f"recommendation {index + 1}"
        question_id, answer = raw.get("question"), raw.get("answer")
        when = raw.get("when", SELECTED)
        try:
            question = questionnaire.question(str(question_id))
        except KeyError:
            problems.append(f"{where}: unknown question {question_id!r}")
            continue
        if question.option(str(answer)) is None:
            problems.append(f"{where}: {question_id} has no answer {answer!r}")
            continue
        if when not in (SELECTED, NOT_SELECTED):
            problems.append(f"{where}: when must be {SELECTED!r} or {NOT_SELECTED!r}")
            continue
        if when == NOT_SELECTED and question.type != "multiple_choice":
            problems.append(f"{where}: not_selected only applies to a multiple_choice question")
        for field_name in ("title", "text"):
            if not str(raw.get(field_name) or "").strip():
                problems.append(f"{where} ({question_id}): missing {field_name}")
        recommendations.append(Recommendation(
            question_id=question.id, answer=str(answer), when=when,
            title=str(raw.get("title", "")).strip(), text=str(raw.get("text", "")).strip(),
        ))
    keys = [r.key for r in recommendations]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"more than one recommendation for {key}")
    if problems:
        return None, problems
    return RecommendationSet(
        questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
        version=data["version"], status=data["status"], bands=tuple(bands),
        unbanded_sections=unbanded, recommendations=tuple(recommendations),
    ), []


def parse_recommendations(text: str, questionnaire: Questionnaire) -> RecommendationSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RecommendationsError([f"not valid TOML: {error}"]) from None
    found, problems = _build(data, questionnaire)
    if problems:
        raise RecommendationsError(problems)
    return found


def _root():
    return resources.files(PACKAGE)


def recommendation_files() -> list[str]:
    """Relative paths like 'modern_slavery/recommendations_v1.toml'."""
    found = []
    for folder in _root().iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            found.extend(f"{folder.name}/{item.name}" for item in folder.iterdir()
                         if _FILE_NAME.fullmatch(item.name))
    return sorted(found)


def read_recommendation_lock() -> dict[str, str]:
    entries = {}
    for line in _root().joinpath(LOCK_FILE).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            digest, path = line.split(maxsplit=1)
            entries[path.strip()] = digest
    return entries


def check_recommendation_bytes(relative_path: str, content: bytes,
                               lock: Mapping[str, str]) -> list[str]:
    """Problems with one recommendations file: its schema against its questionnaire, its
    name, and (once published) its lock entry."""
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [f"{relative_path}: not valid TOML: {error}"]
    folder, _, name = relative_path.partition("/")
    try:
        questionnaire = load_questionnaire(folder, int(data.get("questionnaire_version")))
    except (TypeError, ValueError, FileNotFoundError, KeyError):
        return [f"{relative_path}: questionnaire_version names no questionnaire in {folder}/"]
    problems = [f"{relative_path}: {m}" for m in _build(data, questionnaire)[1]]
    if name != f"recommendations_v{data.get('version')}.toml":
        problems.append(f"{relative_path}: version must match the file name")
    digest = hashlib.sha256(content).hexdigest()
    if data.get("status") == "published":
        if relative_path not in lock:
            problems.append(f"{relative_path}: published but missing from {LOCK_FILE}")
        elif lock[relative_path] != digest:
            problems.append(
                f"{relative_path}: changed after it was published (its SHA-256 no longer "
                f"matches {LOCK_FILE}); restore it and put changes in a new version"
            )
    elif relative_path in lock:
        problems.append(f"{relative_path}: listed in {LOCK_FILE} but its status is not published")
    return problems


def check_recommendation_files() -> list[str]:
    lock = read_recommendation_lock()
    files = recommendation_files()
    problems = []
    for path in files:
        problems.extend(check_recommendation_bytes(path, _root().joinpath(path).read_bytes(),
                                                   lock))
    for path in sorted(set(lock) - set(files)):
        problems.append(f"{LOCK_FILE} lists {path}, which does not exist")
    return problems


@cache
def recommendations_for(questionnaire_id: str, questionnaire_version: int
                        ) -> RecommendationSet | None:
    """The newest published recommendations for a questionnaire version, or None."""
    questionnaire = load_questionnaire(questionnaire_id, questionnaire_version)
    best = None
    for path in recommendation_files():
        if not path.startswith(f"{questionnaire_id}/"):
            continue
        text = _root().joinpath(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
        if (data.get("questionnaire_version") != questionnaire_version
                or data.get("status") != "published"):
            continue
        found = parse_recommendations(text, questionnaire)
        if best is None or found.version > best.version:
            best = found
    return best


# --- Matching ----------------------------------------------------------------------------------


def _chosen(answer: Any) -> tuple[str, ...]:
    if answer is None or answer == "" or answer == []:
        return ()
    if isinstance(answer, list | tuple):
        return tuple(str(item) for item in answer)
    return (str(answer),)


def matching_recommendations(questionnaire: Questionnaire, recommendations: RecommendationSet,
                             answers: Mapping[str, Any]) -> tuple[Recommendation, ...]:
    """The recommendations the answers call for, in questionnaire order. Only questions the
    supplier was shown count; an unanswered one calls for nothing."""
    shown = {q.id: q for q in visible_questions(questionnaire, answers)}
    found = []
    for recommendation in recommendations.recommendations:
        question = shown.get(recommendation.question_id)
        if question is None:
            continue
        chosen = _chosen(answers.get(question.id))
        if not chosen:
            continue
        if recommendation.when == SELECTED:
            if recommendation.answer in chosen:
                found.append(recommendation)
            continue
        exclusive = any(o.exclusive and o.value in chosen for o in question.options)
        if not exclusive and recommendation.answer not in chosen:
            found.append(recommendation)
    order = {q.id: index for index, q in enumerate(questionnaire.questions)}
    options = {q.id: [o.value for o in q.options] for q in questionnaire.questions}
    return tuple(sorted(found, key=lambda r: (order[r.question_id],
                                              options[r.question_id].index(r.answer))))


def band_for(bands: tuple[Band, ...], percent: float) -> Band:
    return [band for band in bands if percent >= band.lowest_percent][-1]


def supplier_feedback(questionnaire: Questionnaire, recommendations: RecommendationSet,
                      answers: Mapping[str, Any]) -> tuple[SectionFeedback, ...]:
    """Per section, in journey order: its word band and the recommendations for it. Sections
    with neither are left out."""
    visible = frozenset(q.id for q in visible_questions(questionnaire, answers))
    maturity = declared_maturity(questionnaire_plan(questionnaire).questions, answers, visible)
    percents = {s.section: s.percent for s in maturity.sections if s.possible}
    matched = matching_recommendations(questionnaire, recommendations, answers)
    sections = []
    for section in questionnaire.sections:
        band = None
        if section.id in percents and section.id not in recommendations.unbanded_sections:
            band = band_for(recommendations.bands, percents[section.id])
        items = tuple(r for r in matched
                      if questionnaire.question(r.question_id).section == section.id)
        if band is not None or items:
            sections.append(SectionFeedback(section.id, section.title, band, items))
    return tuple(sections)


def falling_short(questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(question id, answer, when) for every answer that falls short of a question's good
    practice: what a complete recommendations file must cover. A scored single answer below
    the question's best; an unticked option worth something, or a ticked exclusive option, of
    a scored list question; and any answer that raises a red flag."""
    needed = []
    for question in questionnaire.questions:
        if not question.options:
            continue
        scored = question.weight > 0
        best = max(o.points for o in question.options)
        for option in question.options:
            if question.type == "multiple_choice":
                if scored and option.points > 0:
                    needed.append((question.id, option.value, NOT_SELECTED))
                elif (scored and option.exclusive) or option.red_flag:
                    needed.append((question.id, option.value, SELECTED))
            elif (scored and option.points < best) or option.red_flag:
                needed.append((question.id, option.value, SELECTED))
    return needed
