"""User-facing errors: each carries what went wrong, where, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Exit status for problems with the user's input or set-up (bad script, unknown exercise, missing tool).
EXIT_USAGE = 2
#: Exit status for a failure while doing the work (disk full, device error).
EXIT_FAILURE = 1


@dataclass(frozen=True)
class Problem:
    """One problem found in a file, located by line (1-based)."""

    path: Path | str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: error: {self.message}"


class CompassionError(Exception):
    """An expected problem: shown to the user as one clear message, never a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """The lines to print on stderr."""
        out = [f"error: {self.message}"]
        if self.hint:
            out.append(f"hint: {self.hint}")
        return out


class ScriptError(CompassionError):
    """A script (or course file) that cannot be used; lists every problem found."""

    def __init__(self, problems: list[Problem], recordings: list[tuple[str, int]] | None = None) -> None:
        self.problems = list(problems)
        #: The recorded lines found before the problems stopped the script (file, line), so that a check
        #: can say what is wrong with them too.
        self.recordings = list(recordings or [])
        first = self.problems[0] if self.problems else Problem("?", 1, "invalid script")
        super().__init__(str(first))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class UnknownExercise(CompassionError):
    """An exercise id that is neither in the course nor among the user's scripts."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = None
        if suggestions:
            hint = "did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?"
        else:
            hint = "run `compassion list` to see every exercise, or give a path to a .toml script"
        super().__init__(f"no exercise '{name}'", hint)
        self.suggestions = suggestions


class MissingTool(CompassionError):
    """A system program or library the app needs is not installed."""


class OutOfRange(CompassionError):
    """A requested length the script cannot reach."""


class WorkFailed(CompassionError):
    """The work itself failed (disk full, device error): nothing half-written is left behind."""

    exit_code = EXIT_FAILURE


class StoreError(CompassionError):
    """The progress database cannot be used as it is (corrupt, newer version, read-only)."""

    exit_code = EXIT_FAILURE
