"""When a Cabinet pack build has stopped without saying so.

A build reports each step as it starts. Steps take seconds at a council's scale and about a
minute at a million suppliers (docs/performance.md), so a build silent for much longer than
that has stopped: its process was restarted or killed and nothing was stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

SILENT_FOR = timedelta(minutes=10)
STOPPED_MESSAGE = ("The build stopped before it finished, probably because the service was "
                   "restarted, so nothing was stored. Generate the pack again.")


def stale_before(now: datetime, silent_for: timedelta = SILENT_FOR) -> datetime:
    """Unfinished builds last heard from before this moment have stopped."""
    return now - silent_for
