"""Control characters in text people type or import: which are refused, and what is said.

No one means to type them: they arrive by pasting out of other programs or in files exported by
other systems. Most are invisible, so two names that look alike differ, and XML cannot hold
them, so one in a supplier name would stop every spreadsheet and PDF that shows the name. Tab,
carriage return and line feed are ordinary in text of several lines; text of one line (a name, a
reference) has none of them. C0 (U+0000 to U+001F), DEL and C1 (U+0080 to U+009F) are refused.
"""

from __future__ import annotations

import re

_IN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_IN_SEVERAL_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problem(label: str, text: str | None, *, multiline: bool = False
                              ) -> str | None:
    """What to tell the person if `text` holds a control character its field cannot take."""
    if not text:
        return None
    if _IN_SEVERAL_LINES.search(text):
        return (f"{label} must not contain control characters (invisible characters that come "
                "from pasting out of other programs): type it again")
    if not multiline and _IN_ONE_LINE.search(text):
        return f"{label} must be on one line, without tabs or line breaks"
    return None


def without_control_characters(text: str) -> str:
    """Imported text with the control characters removed (tab and line breaks are kept, for the
    caller's own whitespace rules): a register from another system often carries stray ones."""
    return _IN_SEVERAL_LINES.sub("", text)
