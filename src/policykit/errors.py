"""The one exception type the pipeline raises for bad input."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: the message names the file (or table) and the reason, on one line."""

    def __init__(self, where: str | Path, reason: str) -> None:
        """Keep the place and the reason, the reason folded onto one line."""
        self.where = str(where)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.where}: {self.reason}")


class InputWarning(UserWarning):
    """Input the build skips or repairs: the message names the path and what was done, on one line."""

    def __init__(self, where: str | Path, reason: str) -> None:
        """Keep the place and the reason, the reason folded onto one line."""
        self.where = str(where)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.where}: {self.reason}")
