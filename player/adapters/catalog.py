"""Finding exercises: the course followed (the built-in one or an installed pack's), the practices of any
installed pack, the user's own scripts, or a path to a script."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from player.adapters import packs as pack_store
from player.adapters import paths
from player.adapters.sound import sounds
from player.core import ids
from player.core.course import Course, parse_course
from player.core.errors import Problem, ScriptError, UnknownExercise
from player.core.script.model import Script
from player.core.script.parse import parse_script


@dataclass(frozen=True)
class Entry:
    """An exercise and where its script is. `week` is set for course practices only."""

    ident: ids.ExerciseId
    path: Path
    week: int | None = None

    @property
    def id(self) -> str:
        """The id as stored and shown: `safe-place`, `timer`, `mine:NAME` or `path:FILE`."""
        return str(self.ident)

    @property
    def name(self) -> str:
        """A short name, for file names: the course id, or the script's file name without `.toml`."""
        if self.ident.kind is ids.Kind.PACK:
            return self.ident.name.replace("/", "-")
        return Path(self.ident.name).stem if self.ident.kind is ids.Kind.PATH else self.ident.name


@dataclass(frozen=True)
class MyScript:
    """One of the user's own scripts, valid (`script`) or not (`error`)."""

    entry: Entry
    script: Script | None
    error: ScriptError | None


BUILTIN = "builtin"


class Catalog:
    """Every exercise the app knows about, for one data folder."""

    def __init__(
        self, data_dir: Path, course_root: Path | None = None, followed: Callable[[], str] | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        self.course_root = course_root or paths.course_dir()
        self.user_dir = paths.user_scripts_dir(self.data_dir)
        self._followed = followed or (lambda: BUILTIN)
        self._courses: dict[tuple[str, float], Course] = {}

    @property
    def followed(self) -> str:
        """The course followed: "builtin", or an installed pack's id (a pack since removed: the built-in)."""
        chosen = self._followed() or BUILTIN
        return chosen if chosen == BUILTIN or chosen in self.packs() else BUILTIN

    @property
    def course(self) -> Course:
        """The course followed: its weeks are the ones that count."""
        chosen = self.followed
        folder = self.course_root if chosen == BUILTIN else self.packs()[chosen]
        try:
            stamp = (folder / "course.toml").stat().st_mtime
        except OSError:
            stamp = 0.0
        if (chosen, stamp) not in self._courses:
            self._courses[(chosen, stamp)] = (
                self.builtin_course() if chosen == BUILTIN else pack_store.load(folder).course
            )
        return self._courses[(chosen, stamp)]

    def packs(self) -> dict[str, Path]:
        """The installed course packs' folders, by id."""
        return pack_store.installed(self.data_dir)

    def builtin_course(self) -> Course:
        """The course that comes with the app."""
        path = self.course_root / "course.toml"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ScriptError([Problem(path, 1, "the course file is missing; reinstall the app")]) from None
        except OSError as exc:
            raise ScriptError([Problem(path, 1, f"cannot read the course file ({exc.strerror})")]) from None
        scripts = {p.relative_to(self.course_root).as_posix() for p in self.course_root.glob("week*/*.toml")}
        return parse_course(path, data, scripts)

    def course_entries(self) -> dict[str, Entry]:
        out = {}
        course = self.course
        for week in course.weeks:
            for ex in week.practices:
                out[ex] = Entry(ids.parse(ex), course.script_path(week.number, ex), week.number)
        return out

    def builtin_entries(self) -> dict[str, Entry]:
        """The built-in course's practices while a pack's course is followed: still there to play, counting
        for no week (only the followed course's weeks count)."""
        if self.followed == BUILTIN:
            return {}
        try:
            course = self.builtin_course()
        except ScriptError:
            return {}
        return {ex: Entry(ids.course(ex), course.script_path(w.number, ex)) for w in course.weeks for ex in w.practices}

    def pack_entry(self, target: str) -> Entry:
        """`ID/NAME` (or `pack:ID/NAME`): a practice of an installed pack. It counts for a week only while
        its pack's course is the one followed."""
        pack_id, _, name = target.removeprefix(ids.PACK_PREFIX).partition("/")
        folder = self.packs().get(pack_id)
        if folder is None:
            raise UnknownExercise(target, difflib.get_close_matches(pack_id, list(self.packs()), n=3, cutoff=0.5))
        found, _ = pack_store.scripts_of(folder)
        if name not in found:
            close = difflib.get_close_matches(name, list(found), n=3, cutoff=0.5)
            raise UnknownExercise(target, [f"{pack_id}/{c}" for c in close])
        ident = ids.pack(pack_id, name)
        week = self.course.week_of(str(ident)) if self.followed == pack_id else None
        return Entry(ident, folder / found[name], week)

    def user_entries(self) -> dict[str, Entry]:
        """The listener's own scripts, by name (the file name without `.toml`)."""
        out: dict[str, Entry] = {}
        try:
            files = sorted(self.user_dir.glob("*.toml"))
        except OSError:
            return out
        for p in files:
            out.setdefault(p.stem, Entry(ids.mine(p.stem), p))
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
        """What someone typed, as an exercise (see `player.core.ids`): a course id, `mine:NAME`, or a path
        to a `.toml` script. A bare name that is not a course practice may name one of the listener's own
        scripts, and then means `mine:NAME`. The timer has no script: it is not resolved here."""
        installed = self.packs()
        if target.startswith(ids.PACK_PREFIX) or (
            "/" in target and not ids.looks_like_path(target, installed) and not target.startswith(ids.PATH_PREFIX)
        ):
            return self.pack_entry(target)
        if ids.looks_like_path(target, installed) or target.startswith(ids.PATH_PREFIX):
            return self._by_path(Path(target.removeprefix(ids.PATH_PREFIX)).expanduser())
        mine = self.user_entries()
        if target == ids.TIMER_ID:
            from player.core.errors import CompassionError

            own = " (your own script called timer is `mine:timer`)" if ids.TIMER_ID in mine else ""
            raise CompassionError("the timer is not a script", f"sit with it with `compassion timer MINUTES`{own}")
        if target.startswith(ids.MINE_PREFIX):
            name = target[len(ids.MINE_PREFIX) :]
            if name in mine:
                return mine[name]
            close = difflib.get_close_matches(name, list(mine), n=3, cutoff=0.5)
            raise UnknownExercise(target, [ids.MINE_PREFIX + c for c in close])
        course = self.course_entries()
        if target in course:
            return course[target]
        if target in mine:
            return mine[target]
        builtin = self.builtin_entries()
        if target in builtin:
            return builtin[target]
        if Path(target).is_file():
            return self._by_path(Path(target))
        names = list(course) + [ids.MINE_PREFIX + m for m in mine]
        raise UnknownExercise(target, difflib.get_close_matches(target, names, n=3, cutoff=0.5))

    def _by_path(self, p: Path) -> Entry:
        """A script given by its path: a course script still counts as its practice, a script in the
        listener's folder is theirs (`mine:`), and any other is a `path:` exercise of its own."""
        try:
            resolved = p.resolve()
        except OSError:
            resolved = p.absolute()
        try:
            entry = self.course_entries().get(p.stem)
        except ScriptError:
            entry = None
        if entry is not None and _same_file(resolved, entry.path):
            return entry
        mine = self.user_entries().get(p.stem)
        if mine is not None and _same_file(resolved, mine.path):
            return mine
        return Entry(ids.path(str(resolved)), p)

    def load(self, entry: Entry) -> Script:
        return self.load_path(entry.path)

    def load_path(self, path: Path) -> Script:
        return parse_script(path, read_script(path), bells=sounds.bells(self.user_dir), backgrounds=sounds.ambiences())

    def checked(self, path: Path) -> Script:
        """A script, with every recorded line decoded too (for `validate` and `pack check`, not for
        playing): one ScriptError lists the script's problems and its recordings' together, by line."""
        from player.adapters.sound import recorded
        from player.core.errors import CompassionError

        try:
            script = self.load_path(path)
            problems, found = [], list(script.sound_files)
        except ScriptError as exc:
            script, problems, found = None, list(exc.problems), exc.recordings
        for audio, line in found:
            try:
                recorded.decode(Path(audio))
            except CompassionError as exc:
                problems.append(Problem(path, line, exc.message + (f"; {exc.hint}" if exc.hint else "")))
        if problems:
            raise ScriptError(sorted(problems, key=lambda p: p.line))
        assert script is not None
        return script


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a == b.resolve()
    except OSError:
        return False


def read_script(path: Path) -> bytes:
    """A script file's bytes; a file that cannot be read is a ScriptError naming it, at line 1."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ScriptError([Problem(path, 1, "file not found; check the path")]) from None
    except IsADirectoryError:
        raise ScriptError([Problem(path, 1, "this is a folder, not a .toml script")]) from None
    except OSError as exc:
        raise ScriptError([Problem(path, 1, f"cannot read the file ({exc.strerror})")]) from None
