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


class BadFilesError(InputError):
    """Several input files that cannot be read: one error that lists each, one line a file with its reason."""

    def __init__(self, where: str | Path, bad: list[tuple[str, str]]) -> None:
        """Keep the folder and the (file, reason) pairs."""
        self.bad = [(name, " ".join(str(reason).split())) for name, reason in bad]
        super().__init__(where, f"{len(self.bad)} file(s) cannot be read (--keep-going skips them and builds "
                                "the rest; `policykit check --raw DIR` lists them)")

    def __str__(self) -> str:
        """One bad file: one line, its path and reason; more: the summary line, then one line per file."""
        if len(self.bad) == 1:
            name, reason = self.bad[0]
            return f"{Path(self.where) / name}: {reason} (--keep-going skips it and builds the rest)"
        lines = [f"{self.where}: {self.reason}"]
        lines.extend(f"  {name}: {reason}" for name, reason in self.bad)
        return "\n".join(lines)
