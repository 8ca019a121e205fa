"""Finding exercises: the built-in course, the user's own scripts, or a path to a script."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from player import paths
from player.audio import sounds
from player.errors import ScriptError, UnknownExercise
from player.model.course import Course, load_course
from player.model.parse import parse_script
from player.model.script import Script


@dataclass(frozen=True)
class Entry:
    """Where an exercise comes from. `week` is set for course exercises."""

    id: str
    path: Path
    source: str  # "course", "mine" (the user's scripts folder) or "path"
    week: int | None = None


@dataclass(frozen=True)
class MyScript:
    """One of the user's own scripts, valid (`script`) or not (`error`)."""

    entry: Entry
    script: Script | None
    error: ScriptError | None


class Catalog:
    """Every exercise the app knows about, for one data folder."""

    def __init__(self, data_dir: Path, course_root: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.course_root = course_root or paths.course_dir()
        self.user_dir = paths.user_scripts_dir(self.data_dir)

    @cached_property
    def course(self) -> Course:
        return load_course(self.course_root / "course.toml")

    def course_entries(self) -> dict[str, Entry]:
        out = {}
        for week in self.course.weeks:
            for ex in week.exercises:
                out[ex] = Entry(ex, self.course.script_path(week.number, ex), "course", week.number)
        return out

    def user_entries(self) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        try:
            files = sorted(self.user_dir.glob("*.toml"))
        except OSError:
            return out
        for p in files:
            out.setdefault(p.stem, Entry(p.stem, p, "mine"))
        return out

    def my_scripts(self) -> list[MyScript]:
        """The user's scripts, each parsed; an invalid one carries its error instead of raising."""
        out = []
        for entry in self.user_entries().values():
            try:
                out.append(MyScript(entry, self.load(entry), None))
            except ScriptError as exc:
                out.append(MyScript(entry, None, exc))
        return out

    def resolve(self, target: str) -> Entry:
        """An exercise id (course first, then the user's scripts) or a path to a `.toml` script."""
        looks_like_path = target.endswith(".toml") or "/" in target or "\\" in target
        if looks_like_path:
            p = Path(target).expanduser()
            return Entry(p.stem, p, "path", self._week_for_path(p))
        course = self.course_entries()
        if target in course:
            return course[target]
        mine = self.user_entries()
        if target in mine:
            return mine[target]
        if Path(target).is_file():
            return Entry(Path(target).stem, Path(target), "path")
        names = list(course) + [m for m in mine if m not in course]
        raise UnknownExercise(target, difflib.get_close_matches(target, names, n=3, cutoff=0.5))

    def _week_for_path(self, p: Path) -> int | None:
        # A course script given by path still counts towards its week.
        try:
            p.resolve().relative_to(self.course_root.resolve())
        except (ValueError, OSError):
            return None
        try:
            entry = self.course_entries().get(p.stem)
        except ScriptError:
            return None
        if entry is not None and p.resolve() == entry.path.resolve():
            return entry.week
        return None

    def load(self, entry: Entry) -> Script:
        return self.load_path(entry.path)

    def load_path(self, path: Path) -> Script:
        return parse_script(path, bells=sounds.bells(self.user_dir), backgrounds=sounds.ambiences())
