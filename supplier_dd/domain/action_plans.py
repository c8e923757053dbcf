"""Reading a council's modern-slavery action plan from a tab-separated table extraction.

Councils keep their action plans as Word or PDF tables. Copying such a table out gives one line
per *printed* line, cells separated by tabs, with the damage extraction leaves:

- a cell that wraps onto several printed lines comes out as several lines, each holding the
  fragment of every column that was printed on it;
- leading empty columns are sometimes dropped, so a row has fewer cells than the header;
- refs are missing, or sit in the wrong column, or several actions share one cell
  ('1.2 ...  1.3 ...'), or a cell holds an HTML list;
- dates are day/month/year or phrases ('Ongoing', 'In progress – due September 2020').

Two layouts are understood, chosen by the header row:

- a *grid* with Start and End columns (City of London style). Wrapped rows are joined; a row
  ends at the printed line carrying its dates, or when a column that had finished starts again;
- a *numbered list* with a single time-frame column (NHDC style). Refs like 1.1 in the action
  text start actions; bracketed or lower-case lines continue the previous action.

Every action keeps all of its text. What could be turned into dates, statuses and refs is, and
the `ImportReport` lists what was kept only as text or was repaired, so a person can check it.
Input the importer cannot trust (an end before a start, an unknown RAG status, a file with no
action-plan header) raises `ActionPlanError` with every problem listed, and nothing is returned.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from supplier_dd.domain.control_characters import without_control_characters
from supplier_dd.domain.timeframes import (
    DateError,
    Progress,
    Timeframe,
    Understood,
    parse_day,
    parse_timeframe,
)


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return self.value.capitalize()


_RAG_WORDS = {
    "r": Rag.RED, "red": Rag.RED,
    "a": Rag.AMBER, "amber": Rag.AMBER, "orange": Rag.AMBER, "yellow": Rag.AMBER,
    "g": Rag.GREEN, "green": Rag.GREEN,
}


def parse_rag(text: str | None) -> Rag | None:
    """'Red', 'A', 'green - on track' → Rag; blank → None; anything else → ValueError."""
    cleaned = (text or "").strip().lower()
    if not cleaned:
        return None
    first_word = re.split(r"[\s/,;:.\-–]+", cleaned, maxsplit=1)[0]
    if first_word in _RAG_WORDS:
        return _RAG_WORDS[first_word]
    raise ValueError(f"RAG status {text.strip()!r} is not one of Red, Amber or Green")


class Field(StrEnum):
    AIM = "specific_aim"
    REF = "ref"
    DESCRIPTION = "description"
    START = "start"
    END = "end"
    TIMEFRAME = "timeframe"
    MEASURE = "measure"
    LEAD_OFFICER = "lead_officer"
    AREA_LEAD = "area_lead"
    COMMENTS = "comments"
    RAG = "rag"


# Header labels councils use, longest first so 'area lead' wins over 'lead'.
_LABELS: list[tuple[str, Field]] = [
    ("specific aim", Field.AIM), ("objective", Field.AIM), ("aim", Field.AIM),
    ("ref", Field.REF), ("no.", Field.REF), ("number", Field.REF),
    ("action", Field.DESCRIPTION), ("task", Field.DESCRIPTION),
    ("start", Field.START), ("end", Field.END), ("deadline", Field.TIMEFRAME),
    ("time frame", Field.TIMEFRAME), ("timeframe", Field.TIMEFRAME),
    ("timescale", Field.TIMEFRAME), ("target date", Field.TIMEFRAME), ("due", Field.TIMEFRAME),
    ("measure", Field.MEASURE), ("outcome", Field.MEASURE), ("success", Field.MEASURE),
    ("area lead", Field.AREA_LEAD), ("lead officer", Field.LEAD_OFFICER),
    ("lead", Field.LEAD_OFFICER), ("owner", Field.LEAD_OFFICER),
    ("responsible", Field.LEAD_OFFICER),
    ("comments", Field.COMMENTS), ("progress", Field.COMMENTS), ("update", Field.COMMENTS),
    ("rag", Field.RAG), ("status", Field.RAG),
]

_TEXT_FIELDS = (Field.AIM, Field.DESCRIPTION, Field.MEASURE, Field.LEAD_OFFICER,
                Field.AREA_LEAD, Field.COMMENTS)


class NoteKind(StrEnum):
    NOT_UNDERSTOOD = "not understood"  # no date or status found; the text is kept
    KEPT_AS_TEXT = "kept as text"  # a date or status was read; the other wording is kept
    NO_REF = "no ref"
    REPAIRED = "repaired"  # the layout was mended: joined lines, refs matched by position
    IGNORED = "ignored"  # lines that carry no action (empty headings, header fragments)


@dataclass(frozen=True)
class ImportNote:
    line: int
    subject: str
    kind: NoteKind
    message: str


@dataclass
class ImportReport:
    notes: list[ImportNote] = field(default_factory=list)

    def add(self, line: int, subject: str, kind: NoteKind, message: str) -> None:
        self.notes.append(ImportNote(line, subject, kind, message))

    def of_kind(self, kind: NoteKind) -> list[ImportNote]:
        return [note for note in self.notes if note.kind == kind]


@dataclass(frozen=True)
class ParsedAction:
    ref: str | None
    description: str
    line: int
    specific_aim: str = ""
    measure: str = ""
    lead_officer: str = ""
    area_lead: str = ""
    timeframe: str = ""  # the time-frame wording as written, when it was not a bare date
    start_date: date | None = None
    end_date: date | None = None
    progress: Progress | None = None
    comments: str = ""
    rag: Rag | None = None

    @property
    def label(self) -> str:
        return self.ref or _shorten(self.description)


@dataclass
class ParsedPriority:
    number: int | None
    title: str
    line: int
    aim: str = ""
    actions: list[ParsedAction] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.number is not None and self.title:
            return f"Priority {self.number}: {self.title}"
        return self.title or f"Priority {self.number}"


@dataclass
class ParsedActionPlan:
    title: str
    details: dict[str, str]
    priorities: list[ParsedPriority]
    report: ImportReport

    @property
    def actions(self) -> list[ParsedAction]:
        return [action for priority in self.priorities for action in priority.actions]


class ActionPlanError(ValueError):
    """The file cannot be imported; `problems` lists each reason with its line number."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def check_dates(start: date | None, end: date | None) -> str | None:
    """The one rule on an action's dates, shared by the importer and the edit form."""
    if start and end and end < start:
        return f"the end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}"
    return None


def is_overdue(end_date: date | None, progress: str | None, today: date) -> bool:
    """Due before today and not completed. Ongoing work with a due date can still be late."""
    return end_date is not None and end_date < today and progress != Progress.COMPLETED


def _shorten(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _join(fragments: list[str]) -> str:
    """Join wrapped fragments: 'sub-' + 'contractors' → 'sub-contractors', else a space."""
    out = ""
    for fragment in fragments:
        fragment = fragment.strip()
        if not fragment:
            continue
        if out.endswith("-") and not out.endswith(" -") and fragment[:1].islower():
            out += fragment
        else:
            out = f"{out} {fragment}" if out else fragment
    return out


def _clean_cell(text: str) -> str:
    return text.replace("\xa0", " ").strip()


# --- header and headings --------------------------------------------------------------------

def _label_of(cell: str) -> tuple[Field | None, str]:
    """'Specific aim: Training' → (AIM, 'Training'); 'Lead' → (LEAD_OFFICER, '')."""
    lowered = cell.strip().lower()
    for label, kind in _LABELS:
        if lowered == label or lowered.startswith(label + ":") or lowered.startswith(label + " ") \
                or lowered.startswith(label + "/") or lowered.startswith(label + " &"):
            rest = cell.strip()[len(label):]
            value = rest.split(":", 1)[1].strip() if ":" in rest else ""
            return kind, value
    return None, ""


@dataclass
class _Header:
    columns: list[Field | None]
    aim_title: str

    @property
    def is_grid(self) -> bool:
        return Field.START in self.columns or Field.END in self.columns


def _read_header(cells: list[str]) -> _Header | None:
    columns = []
    aim_title = ""
    for cell in cells:
        kind, value = _label_of(cell) if cell.strip() else (None, "")
        columns.append(kind)
        if kind == Field.AIM and value:
            aim_title = value
    found = [kind for kind in columns if kind]
    has_timing = any(k in found for k in (Field.START, Field.END, Field.TIMEFRAME,
                                          Field.LEAD_OFFICER))
    # A real header names the action column and at least one of timing or lead, and nearly
    # every non-empty cell is a label (so a sentence mentioning 'action' is not a header).
    filled = [cell for cell in cells if cell.strip()]
    if Field.DESCRIPTION in found and has_timing and len(found) >= max(2, len(filled) - 1):
        return _Header(columns, aim_title)
    return None


_PRIORITY_LINE = re.compile(r"^priority\s*:?\s*(?P<number>\d+)?\s*[:.\-]?\s*(?P<title>.*)$", re.I)
_NUMBERED_HEADING = re.compile(r"^(?P<number>\d+)\.\s+(?P<rest>\S.*)$")


def _priority_heading(cells: list[str]) -> tuple[int | None, str, str] | None:
    """(number, title, aim) when the line is a priority heading with nothing beside it."""
    filled = [cell for cell in cells if cell.strip()]
    if len(filled) != 1 or cells[0].strip() != filled[0]:
        return None
    text = " ".join(filled[0].split())
    match = _PRIORITY_LINE.match(text)
    if match:
        number = int(match["number"]) if match["number"] else None
        return number, match["title"].strip(), ""
    match = _NUMBERED_HEADING.match(text)
    if match:
        words = match["rest"].split(" ")
        title_words = []
        for word in words:
            # The heading is the run of capitals ('POLICY AND PROCESS'); the aim follows.
            if any(c.isalpha() for c in word) and word != word.upper():
                break
            title_words.append(word)
        if title_words and any(c.isalpha() for c in "".join(title_words)):
            title = " ".join(title_words).strip()
            aim = " ".join(words[len(title_words):]).strip()
            return int(match["number"]), title.capitalize(), aim
    return None


# --- HTML inside cells ----------------------------------------------------------------------

_TAG = re.compile(r"<\s*(/?)\s*(ul|ol|li|br|p)\b[^>]*>", re.I)


def _html_items(text: str) -> list[str] | None:
    """Top-level list items of a cell holding an HTML list; nested items become '- ' lines."""
    if not re.search(r"<\s*li\b", text, re.I):
        return None
    items: list[str] = []
    depth = 0
    current: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        chunk = text[position:match.start()]
        position = match.end()
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if depth >= 1 and chunk.strip():
            current.append(chunk)
        if tag in ("ul", "ol"):
            depth += -1 if closing else 1
        elif tag == "li" and not closing:
            if depth == 1:
                if current and "".join(current).strip():
                    items.append("".join(current))
                current = []
            else:
                current.append("\n- ")
        elif tag in ("br", "p") and depth >= 1:
            current.append("\n")
    tail = text[position:]
    if tail.strip():
        current.append(tail)
    if current and "".join(current).strip():
        items.append("".join(current))
    cleaned = []
    for item in items:
        lines = [" ".join(html.unescape(part).split()) for part in item.split("\n")]
        cleaned.append("\n".join(line for line in lines if line))
    return cleaned


def _unescape(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text)) if "<" in text or "&" in text else text


# --- refs -----------------------------------------------------------------------------------

# A ref may carry one letter ('3.5a'), but '2.4Suppliers' is ref 2.4 then a word.
_REF = r"\d+\.\d+(?:[a-z](?![a-z]))?"
_LEADING_REFS = re.compile(rf"^\s*(?P<refs>{_REF}(?:\s*(?:&|and|,)\s*{_REF})*)\s*")


def _leading_refs(text: str) -> tuple[list[str], str]:
    """'2.5 & 2.6This work…' → (['2.5', '2.6'], 'This work…')."""
    match = _LEADING_REFS.match(text)
    if not match:
        return [], text.strip()
    refs = re.findall(_REF, match["refs"])
    return refs, text[match.end():].strip()


def _split_on_refs(text: str, section: int | None) -> list[tuple[str | None, str]]:
    """'1.2 Oversee… (Priority six)  1.3 Report…' → [('1.2', 'Oversee…'), ('1.3', 'Report…')].

    Only refs of the current section count, and only at the start or after a wide gap or a
    closing bracket, so '08.06.20' or '2019/20' in a sentence is never taken for a ref.
    """
    if section is None:
        refs, rest = _leading_refs(text)
        return [(refs[0] if refs else None, rest)]
    pattern = re.compile(
        rf"(?:^|\s{{2,}}|(?<=\))\s+)(?P<ref>{section}\.\d+(?:[a-z](?![a-z]))?)(?![\d.])\s*"
    )
    parts: list[tuple[str | None, str]] = []
    matches = list(pattern.finditer(text))
    if not matches or matches[0].start() > 0 and text[: matches[0].start()].strip():
        head = text[: matches[0].start()] if matches else text
        parts.append((None, head.strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts.append((match["ref"], text[match.end():end].strip()))
    return [(ref, body) for ref, body in parts if body or ref]


# --- raw records, before interpretation -----------------------------------------------------

@dataclass
class _Raw:
    line: int
    values: dict[Field, list[str]] = field(default_factory=dict)
    ref: str | None = None
    has_dates: bool = False
    # Columns whose text stopped: fresh text there means a new row began.
    finished: set[Field] = field(default_factory=set)
    last_line_fields: set[Field] = field(default_factory=set)

    def add(self, kind: Field, text: str) -> None:
        if text:
            self.values.setdefault(kind, []).append(text)

    def text(self, kind: Field) -> str:
        return _join(self.values.get(kind, []))


@dataclass
class _Priority:
    number: int | None
    title: str
    line: int
    aim: list[str] = field(default_factory=list)
    records: list[_Raw] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str, default_title: str):
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.default_title = default_title
        self.report = ImportReport()
        self.problems: list[str] = []
        self.details: dict[str, str] = {}
        self.priorities: list[_Priority] = []
        self.header: _Header | None = None
        self.current: _Raw | None = None

    # The priority new rows go to; a plan without headings gets one unnamed priority.
    def priority(self, line: int) -> _Priority:
        if not self.priorities:
            self.priorities.append(_Priority(None, "", line))
        return self.priorities[-1]

    def close(self) -> None:
        self.current = None

    def parse(self) -> ParsedActionPlan:
        first_header = next(
            (i for i, line in enumerate(self.lines) if _read_header(line.split("\t"))), None
        )
        if first_header is None:
            raise ActionPlanError([
                "This file is not an action plan: no header row names an Action column "
                "together with a Lead, Time frame or Start/End column."
            ])
        for index, raw_line in enumerate(self.lines):
            number = index + 1
            cells = [_clean_cell(cell) for cell in raw_line.split("\t")]
            if not any(cells):
                if self.header and self.header.is_grid:
                    self.close()  # a blank line ends a wrapped grid row
                continue
            header = _read_header(cells)
            if header:
                self.close()
                self.header = header
                if header.aim_title:
                    owner = self.priority(number)
                    if not owner.title:
                        owner.title = header.aim_title
                continue
            heading = _priority_heading(cells)
            if heading:
                self.close()
                heading_number, title, aim = heading
                self.priorities.append(_Priority(heading_number, title, number))
                if aim:
                    self.priorities[-1].aim.append(aim)
                continue
            if index < first_header and not self.priorities:
                self.read_detail(cells, number)
                continue
            if self.header is None:
                self.report.add(number, "line", NoteKind.IGNORED, "Text before the table header")
                continue
            if self.is_header_fragment(cells):
                self.report.add(number, "header", NoteKind.IGNORED,
                                f"Wrapped header text {' '.join(c for c in cells if c)!r}")
                continue
            if self.header.is_grid:
                self.grid_line(cells, number)
            else:
                self.numbered_line(cells, number)
        return self.finish()

    def read_detail(self, cells: list[str], number: int) -> None:
        filled = [cell for cell in cells if cell]
        key = filled[0].rstrip(":").strip()
        value = " ".join(filled[1:]).strip()
        if value or key not in self.details:
            self.details[key] = value

    def is_header_fragment(self, cells: list[str]) -> bool:
        filled = [cell for cell in cells if cell]
        return bool(filled) and all(cell.endswith(":") and len(cell) < 40 for cell in filled)

    def columns_for(self, cells: list[str]) -> list[tuple[Field | None, str]]:
        columns = self.header.columns
        if len(cells) < len(columns):
            # Extraction drops a row's empty leading columns, so the cells it kept are the
            # right-hand ones.
            cells = [""] * (len(columns) - len(cells)) + cells
        extra = cells[len(columns):]
        pairs = list(zip(columns, cells[: len(columns)], strict=True))
        if any(extra):
            pairs.append((Field.COMMENTS, " ".join(cell for cell in extra if cell)))
        return pairs

    # --- grid layout ------------------------------------------------------------------------

    def grid_line(self, cells: list[str], number: int) -> None:
        pairs = [(kind, text) for kind, text in self.columns_for(cells) if kind]
        on_line = {kind for kind, text in pairs if text}
        dates_line = bool(on_line & {Field.START, Field.END})
        first_text = next((text for kind, text in pairs
                           if kind in (Field.AIM, Field.DESCRIPTION) and text), "")
        current = self.current
        continues_sentence = (
            current is not None
            and first_text[:1].islower()
            and not current.text(Field.DESCRIPTION).endswith((".", "!", "?", ";"))
        )
        starts_new = (
            current is None
            or (current.has_dates and not continues_sentence)
            or (not dates_line and not continues_sentence
                and any(kind in current.finished for kind in on_line))
        )
        if starts_new:
            current = _Raw(number)
            self.priority(number).records.append(current)
            self.current = current
        elif current.has_dates and continues_sentence:
            self.report.add(number, _shorten(current.text(Field.DESCRIPTION)), NoteKind.REPAIRED,
                            "A row split across a page break was joined to the row above")
        for kind, text in pairs:
            if not text:
                continue
            if kind in (Field.START, Field.END) and current.values.get(kind):
                if text in current.values[kind]:
                    continue  # the same date repeated on both halves of a split row
            current.add(kind, text)
        for kind in current.last_line_fields - on_line:
            current.finished.add(kind)
        current.last_line_fields = on_line
        if dates_line:
            current.has_dates = True

    # --- numbered-list layout ---------------------------------------------------------------

    def numbered_line(self, cells: list[str], number: int) -> None:
        values: dict[Field, str] = {}
        for kind, text in self.columns_for(cells):
            if kind and text:
                values[kind] = f"{values[kind]} {text}" if kind in values else text
        description = values.pop(Field.DESCRIPTION, "")
        timeframe = values.get(Field.TIMEFRAME, "")
        owner = self.priority(number)
        section = owner.number

        items = _html_items(description)
        if items is not None:
            segments = [part for item in items for part in _split_on_refs(item, section)]
        else:
            segments = _split_on_refs(_unescape(description), section)
        time_items = _html_items(timeframe)
        if time_items is None:
            time_items = [_unescape(timeframe)] if timeframe else []
        if items is not None or (time_items and len(time_items) > 1):
            self.report.add(number, "list", NoteKind.REPAIRED,
                            "An HTML list inside a cell was split into its items")

        has_actions = any(record.ref or record.values.get(Field.DESCRIPTION)
                          for record in owner.records)
        if not has_actions and not timeframe and not values and len(segments) == 1 \
                and segments[0][0] is None:
            owner.aim.append(segments[0][1])  # the sentence under a heading is its aim
            return

        time_for = self._pair_times(segments, time_items, number)
        for index, (ref, text) in enumerate(segments):
            time_refs, time_text = time_for[index]
            continues = ref is None and self.current is not None and (
                text[:1] in ("(", "") or text[:1].islower()
            )
            if continues:
                record = self.current
                record.add(Field.DESCRIPTION, text)
                record.add(Field.TIMEFRAME, time_text)
                for kind, value in values.items():
                    if kind != Field.TIMEFRAME:
                        record.add(kind, value)
                continue
            record = _Raw(number)
            text = re.sub(r"^[-•*]\s+", "", text)
            if ref is None and len(time_refs) == 1:
                ref = time_refs[0]
                self.report.add(number, ref, NoteKind.REPAIRED,
                                f"Ref {ref} was written in the time-frame column, not beside "
                                "the action")
            record.ref = ref
            record.add(Field.DESCRIPTION, text)
            record.add(Field.TIMEFRAME, time_text)
            for kind, value in values.items():
                if kind != Field.TIMEFRAME:
                    record.add(kind, value)
            owner.records.append(record)
            self.current = record

    def _pair_times(self, segments, time_items, number) -> list[tuple[list[str], str]]:
        """Give each action in a cell its time frame; numbers in the time-frame cell are hints."""
        stripped = [_leading_refs(item) for item in time_items]
        if not stripped:
            return [([], "")] * len(segments)
        if len(stripped) == 1:
            time_refs = stripped[0][0]
            action_refs = [ref for ref, _ in segments if ref]
            if time_refs and action_refs and set(time_refs) != set(action_refs):
                self.report.add(
                    number, ", ".join(action_refs), NoteKind.REPAIRED,
                    f"The time frame is numbered {', '.join(time_refs)} but sits beside "
                    f"{', '.join(action_refs)}; it was kept with the action beside it",
                )
            return [stripped[0]] * len(segments)
        if len(stripped) == len(segments):
            action_refs = [ref for ref, _ in segments]
            time_refs = [refs[0] if refs else None for refs, _ in stripped]
            if action_refs != time_refs and all(action_refs):
                self.report.add(
                    number, ", ".join(action_refs), NoteKind.REPAIRED,
                    f"Time frames numbered {', '.join(r or '?' for r in time_refs)} were matched "
                    f"by position to actions {', '.join(action_refs)}",
                )
            return [([], text) for _refs, text in stripped]
        by_ref = {ref: text for refs, text in stripped for ref in refs}
        joined = "; ".join(text for _refs, text in stripped)
        self.report.add(number, "time frame", NoteKind.REPAIRED,
                        "The time-frame cell could not be matched item by item; each action "
                        "keeps the whole cell")
        return [([], by_ref.get(ref, joined)) for ref, _ in segments]

    # --- interpretation ---------------------------------------------------------------------

    def finish(self) -> ParsedActionPlan:
        priorities: list[ParsedPriority] = []
        for raw_priority in self.priorities:
            actions: list[ParsedAction] = []
            carried_aim = ""
            for record in raw_priority.records:
                action = self.interpret(record)
                if action is None:
                    continue
                # A merged 'specific aim' cell is printed once for the actions beneath it.
                if action.specific_aim:
                    carried_aim = action.specific_aim
                elif carried_aim:
                    action = replace(action, specific_aim=carried_aim)
                actions.append(action)
            if not actions and not raw_priority.title and not raw_priority.aim:
                self.report.add(raw_priority.line, "priority", NoteKind.IGNORED,
                                "A priority heading with no title and no actions")
                continue
            priorities.append(ParsedPriority(
                number=raw_priority.number, title=raw_priority.title, line=raw_priority.line,
                aim=_join(raw_priority.aim), actions=actions,
            ))
        if not any(priority.actions for priority in priorities):
            self.problems.append("No actions were found under the action-plan header.")
        if self.problems:
            raise ActionPlanError(self.problems)
        title = self.details.get("Name") or self.details.get("Title") or self.default_title
        return ParsedActionPlan(title=title, details=self.details, priorities=priorities,
                                report=self.report)

    def interpret(self, record: _Raw) -> ParsedAction | None:
        description = record.text(Field.DESCRIPTION)
        aim = record.text(Field.AIM)
        if not description and aim:
            description, aim = aim, ""
        if not description:
            if any(record.values.values()):
                self.report.add(record.line, "row", NoteKind.IGNORED,
                                "A row with no action text: "
                                + _shorten(" ".join(_join(v) for v in record.values.values())))
            return None
        ref = record.ref or record.text(Field.REF) or None
        label = ref or _shorten(description)
        if ref is None:
            self.report.add(record.line, label, NoteKind.NO_REF, "The action has no ref")

        start = end = None
        progress = None
        time_words: list[str] = []
        try:
            start, start_words = self.read_date_cell(record, Field.START, label)
            end, end_words = self.read_date_cell(record, Field.END, label)
            time_words = [w for w in (start_words, end_words) if w]
            timeframe_text = record.text(Field.TIMEFRAME)
            if timeframe_text:
                time_words.insert(0, timeframe_text)
                frame = parse_timeframe(timeframe_text)
                start, end = start or frame.start, end or frame.end
                progress = frame.progress
                self.note_understanding(record.line, label, timeframe_text, frame)
            for words in (start_words, end_words):
                if words:
                    frame = parse_timeframe(words)
                    progress = progress or frame.progress
        except DateError as error:
            self.problems.append(f"Line {record.line}, action {label}: {error}.")
        rag = None
        try:
            rag = parse_rag(record.text(Field.RAG))
        except ValueError as error:
            self.problems.append(f"Line {record.line}, action {label}: {error}.")
        problem = check_dates(start, end)
        if problem:
            self.problems.append(f"Line {record.line}, action {label}: {problem}.")
        return ParsedAction(
            ref=ref, description=description, line=record.line, specific_aim=aim,
            measure=record.text(Field.MEASURE), lead_officer=record.text(Field.LEAD_OFFICER),
            area_lead=record.text(Field.AREA_LEAD), timeframe="; ".join(time_words),
            start_date=start, end_date=end, progress=progress,
            comments=record.text(Field.COMMENTS), rag=rag,
        )

    def read_date_cell(self, record: _Raw, kind: Field, label: str) -> tuple[date | None, str]:
        """A Start/End cell: a date, or wording that is parsed and kept as text."""
        text = record.text(kind)
        if not text:
            return None, ""
        day = parse_day(text)
        if day:
            return day, ""
        frame = parse_timeframe(text)
        self.note_understanding(record.line, label, text, frame)
        found = frame.end if kind == Field.END else (frame.start or frame.end)
        column = "Start" if kind == Field.START else "End"
        return found, f"{column}: {text}"

    def note_understanding(self, line: int, label: str, text: str, frame: Timeframe) -> None:
        if frame.understood == Understood.NOT:
            self.report.add(line, label, NoteKind.NOT_UNDERSTOOD,
                            f"No date or status found in {text!r}; kept as text")
        elif frame.understood == Understood.PARTLY:
            found = []
            if frame.start:
                found.append(f"starts {frame.start:%d/%m/%Y}")
            if frame.end:
                found.append(f"due {frame.end:%d/%m/%Y}")
            if frame.progress:
                found.append(frame.progress.label.lower())
            self.report.add(line, label, NoteKind.KEPT_AS_TEXT,
                            f"Read {' and '.join(found)} from {text!r}; the rest is kept as text")


def parse_action_plan(text: str, default_title: str = "Imported action plan") -> ParsedActionPlan:
    """Parse a tab-separated action plan. Raises ActionPlanError listing every problem."""
    if "\x00" in text:
        raise ActionPlanError(["This file is not an action plan: it is not a text file."])
    return _Parser(without_control_characters(text), default_title).parse()
