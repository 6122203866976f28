"""Progress display: a tqdm bar on a terminal, one plain line per refresh in a log or pipe (CI), none when quiet."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm


class LogBar(tqdm):
    """A tqdm bar for a stream that is no terminal: each distinct refresh is written once, as a line of its own.

    tqdm redraws its bar with carriage returns, which a log file shows as one long line of overwritten
    text, and has no mode without them; its documented hook for other front ends is `display`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """A tqdm bar whose closing writes its final state as a line (instead of clearing it)."""
        self._last_line = ""
        # leave=False: closing asks display to clear the bar, here to write its final state, and adds no line end
        super().__init__(*args, **{**kwargs, "leave": False})

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        """Write the bar's current state as a line, unless it is the line written last."""
        line = str(self).rstrip()
        if line and line != self._last_line:
            self.fp.write(line + "\n")
            self.fp.flush()
            self._last_line = line
        return False  # nothing on screen to clear or move over


def progress_bar(iterable: Any = None, *, quiet: bool = False, **kwargs: Any) -> tqdm:
    """A progress bar on stderr (tqdm's arguments): redrawn in place on a terminal, line by line elsewhere."""
    stream = kwargs.pop("file", None) or sys.stderr
    bar = tqdm if stream.isatty() else LogBar
    return bar(iterable, file=stream, disable=quiet, **kwargs)
