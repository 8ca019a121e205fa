"""The course file: weeks, their themes and intentions, goals, and the exercises of each week."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from player.core.errors import Problem, ScriptError
from player.core.script.checks import whole_in
from player.core.script.toml_lines import key_lines, line_of

WEEK_KEYS = ("number", "theme", "intention", "goal_days", "exercises", "extras", "joined")
DEFAULT_GOAL_DAYS = 5


@dataclass(frozen=True)
class Week:
    number: int
    theme: str
    intention: str
    goal_days: int
    exercises: tuple[str, ...]
    #: Practices that can be played once the week is open, but that finishing the week does not need.
    extras: tuple[str, ...] = ()
    #: Practices that joined the week on a date after the course began (moved from a later week): a week
    #: finished without them before that date stays finished.
    joined: tuple[tuple[str, date], ...] = ()

    @property
    def practices(self) -> tuple[str, ...]:
        """Every practice of the week: its exercises, then its extras."""
        return self.exercises + self.extras


@dataclass(frozen=True)
class Course:
    title: str
    description: str
    weeks: tuple[Week, ...]
    root: Path
    #: Where each practice's script is, relative to `root` (a pack's may be anywhere under scripts/).
    files: Mapping[str, str] = field(default_factory=dict)

    def week(self, number: int) -> Week | None:
        return next((w for w in self.weeks if w.number == number), None)

    def week_of(self, exercise_id: str) -> int | None:
        return next((w.number for w in self.weeks if exercise_id in w.practices), None)

    def script_path(self, week: int, exercise_id: str) -> Path:
        if exercise_id in self.files:
            return self.root / self.files[exercise_id]
        return self.root / f"week{week}" / f"{exercise_id}.toml"


def parse_course(
    path: Path, data: bytes, scripts: Collection[str], *, found: Mapping[str, str] | None = None, prefix: str = ""
) -> Course:
    """Check `course.toml`'s bytes; every problem is reported with its line. `scripts` are the script
    files beside it, as "weekN/ID.toml". A pack's course finds its scripts by name anywhere (`found`: name
    to file), and its practices' ids carry the pack's `prefix` (`pack:ID/`)."""
    try:
        text = data.decode("utf-8-sig")
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScriptError([Problem(path, 1, f"cannot read the course file: {exc}")]) from None
    problems: list[Problem] = []

    def err(where: tuple[str | int, ...], msg: str) -> None:
        problems.append(Problem(path, line_of(key_lines(text), where), msg))

    for key in doc:
        if key not in ("title", "description", "week"):
            err((key,), f"unknown key '{key}' in the course file")
    title = doc.get("title")
    if not isinstance(title, str) or not title.strip():
        err(("title",), "the course needs a title")
    weeks: list[Week] = []
    seen: dict[str, int] = {}
    raw_weeks = doc.get("week", [])
    if not isinstance(raw_weeks, list) or not all(isinstance(w, dict) for w in raw_weeks):
        err(("week",), "each week must be written as a [[week]] table")
        raw_weeks = []
    for i, raw in enumerate(raw_weeks):
        where = ("week", i)
        for key in raw:
            if key not in WEEK_KEYS:
                err(where + (key,), f"unknown key '{key}' in week {i + 1}")
        number = raw.get("number")
        if not whole_in(number, i + 1, i + 1):
            err(where + ("number",), f"week {i + 1} must have number = {i + 1}")
            continue
        theme, intention = raw.get("theme"), raw.get("intention")
        if not isinstance(theme, str) or not theme.strip():
            err(where + ("theme",), f"week {number} needs a theme")
        if not isinstance(intention, str) or not intention.strip():
            err(where + ("intention",), f"week {number} needs an intention")
        goal = raw.get("goal_days", DEFAULT_GOAL_DAYS)
        if not whole_in(goal, 1, 7):
            err(where + ("goal_days",), f"goal_days in week {number} must be 1 to 7")
        ids = raw.get("exercises")
        if not isinstance(ids, list) or not ids or not all(isinstance(x, str) for x in ids):
            err(where + ("exercises",), f"week {number} needs a list of exercise ids")
            continue
        extras = raw.get("extras", [])
        if not isinstance(extras, list) or not all(isinstance(x, str) for x in extras):
            err(where + ("extras",), f"extras in week {number} is a list of exercise ids")
            extras = []
        for key, listed in (("exercises", ids), ("extras", extras)):
            for j, ex in enumerate(listed):
                if ex in seen:
                    err(where + (key, j), f"exercise '{ex}' is already in week {seen[ex]}; ids must be unique")
                seen[ex] = number
                if found is not None and ex not in found:
                    err(where + (key, j), f"no script scripts/{ex}.toml (in any folder of scripts/) for '{ex}'")
                elif found is None and f"week{number}/{ex}.toml" not in scripts:
                    err(where + (key, j), f"no script week{number}/{ex}.toml for exercise '{ex}'")
        joined = raw.get("joined", {})
        if not isinstance(joined, dict) or not all(
            isinstance(v, date) and not isinstance(v, datetime) for v in joined.values()
        ):
            err(where + ("joined",), f"joined in week {number} maps exercise ids to dates, like id = 2026-12-05")
            joined = {}
        for ex in joined:
            if ex not in ids:
                err(where + ("joined", ex), f"'{ex}' joined week {number} but is not one of its exercises")
        if not problems:
            weeks.append(
                Week(
                    number,
                    theme.strip(),
                    intention.strip(),
                    goal,
                    tuple(prefix + x for x in ids),
                    tuple(prefix + x for x in extras),
                    tuple(sorted((prefix + x, d) for x, d in joined.items())),
                )
            )
    if not doc.get("week") and not problems:
        err((), "the course has no weeks")
    if problems:
        raise ScriptError(problems)
    files = {prefix + name: rel for name, rel in (found or {}).items()}
    return Course(str(title).strip(), str(doc.get("description", "")).strip(), tuple(weeks), path.parent, files)
