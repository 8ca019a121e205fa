"""Course packs, the use cases: make one, check it, build it, install, list, remove, and follow a course.

A clinician or teacher hands a client a whole course (weeks, goals, scripts, their own recorded lines) as
one file; the client installs it beside the built-in course, and their progress survives its updates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from player.adapters import packs as store
from player.adapters.catalog import Catalog
from player.app import library
from player.app.context import Context
from player.core import calendar
from player.core.errors import CompassionError, Problem, ScriptError
from player.core.pack import SUFFIX, Manifest, version_key

BUILTIN = "builtin"


@dataclass(frozen=True)
class Summary:
    manifest: Manifest
    weeks: int
    practices: int
    recorded: int
    #: The whole course's length, shortest to longest, in seconds (estimated where speech is not made).
    shortest_s: float
    longest_s: float

    def lines(self) -> list[str]:
        m = self.manifest
        return [
            f"{m.title} ({m.id} {m.version}), by {', '.join(m.authors)}; {m.license}",
            f"  {self.weeks} week{'s' if self.weeks != 1 else ''}, {self.practices} practices, "
            f"{self.recorded} recorded line{'s' if self.recorded != 1 else ''}",
            f"  all practices once: {calendar.minutes_range(self.shortest_s, self.longest_s, about=True)}",
        ]


def check(ctx: Context, source: Path) -> Summary:
    """Every problem of a pack folder or file, each as FILE:LINE (a ScriptError), or its summary."""
    with store.opened(source) as root:
        return _check_folder(ctx, root, shown=Path(source))


def _check_folder(ctx: Context, root: Path, shown: Path | None) -> Summary:
    problems: list[Problem] = []
    pack = None
    try:
        pack = store.load(root)
    except ScriptError as exc:
        problems += exc.problems
    catalog = Catalog(ctx.data_dir)
    scripts, _ = store.scripts_of(root)
    shortest = longest = 0.0
    recorded = 0
    for name, rel in scripts.items():
        path = root / rel
        try:
            script = catalog.checked(path)
        except ScriptError as exc:
            problems += exc.problems
            continue
        recorded += len(script.recordings())
        for audio, line in script.sound_files:
            if not store.inside(root, audio):
                problems.append(Problem(path, line, "this sound file is outside the pack; keep it under media/"))
        if pack is not None and any(pack.prefix + name in w.practices for w in pack.course.weeks):
            low, high = library.plan(ctx, script, synthesize=False).range_seconds()
            shortest, longest = shortest + low, longest + high
    if problems:
        if shown is not None:  # where the files are (inside the .cpack), not where a zip was unpacked
            problems = [
                Problem(_shown(p.path, root, shown), p.line, p.message.replace(str(root), str(shown))) for p in problems
            ]
        raise ScriptError(sorted(problems, key=lambda p: (str(p.path), p.line)))
    assert pack is not None
    practices = sum(len(w.practices) for w in pack.course.weeks)
    return Summary(pack.manifest, len(pack.course.weeks), practices, recorded, shortest, longest)


def _shown(path: Path | str, root: Path, shown: Path) -> Path:
    try:
        return shown / Path(path).relative_to(root)
    except ValueError:
        return Path(path)


def build(ctx: Context, folder: Path, target: Path | None) -> tuple[Summary, Path]:
    """Check a pack folder, then zip it (atomically) as ID-VERSION.cpack, or as `target`."""
    if not Path(folder).is_dir():
        raise CompassionError(f"{folder}: not a pack folder", "give the folder made by `compassion pack new`")
    summary = check(ctx, folder)
    out = Path(target) if target else Path(folder).parent / summary.manifest.file_name
    if out.suffix != SUFFIX:
        raise CompassionError(f"{out}: a pack file ends in {SUFFIX}", f"name it like {summary.manifest.file_name}")
    store.build(Path(folder), out)
    return summary, out


@dataclass(frozen=True)
class Installed:
    summary: Summary
    folder: Path
    before: str | None  # the version it replaced
    renamed: int  # sessions that followed a renamed practice


def install(ctx: Context, source: Path, force: bool = False) -> Installed:
    """Check, then install (or upgrade) a pack into the data folder; progress is kept, and a practice the
    new version renamed takes its sessions along."""
    from player.app import progress

    with store.opened(source) as root:
        summary = _check_folder(ctx, root, shown=Path(source))
        m = summary.manifest
        here = store.installed(ctx.data_dir).get(m.id)
        before = store.load(here).manifest.version if here is not None else None
        if before is not None and version_key(m.version) <= version_key(before) and not force:
            same = "the same version" if m.version == before else f"a newer version ({before})"
            raise CompassionError(
                f"{m.title} {m.version} is not installed: {same} is installed already",
                "use --force to install it anyway",
            )
        folder = store.put_in_place(ctx.data_dir, root, m.id)
    prefix = f"pack:{m.id}/"
    moved = progress.rename_practices(ctx, {prefix + a: prefix + b for a, b in m.renamed.items()})
    return Installed(summary, folder, before, moved)


def installed(ctx: Context) -> list[store.Pack]:
    """The installed packs (one that cannot be read is left out)."""
    out = []
    for folder in store.installed(ctx.data_dir).values():
        try:
            out.append(store.load(folder))
        except ScriptError:
            continue
    return out


def remove(ctx: Context, pack_id: str) -> None:
    """Remove a pack; its sessions stay in the history and in the streaks. Following it, the built-in
    course is followed again."""
    from player.app import preferences

    if not store.remove(ctx.data_dir, pack_id):
        raise CompassionError(f"no pack called '{pack_id}' is installed", "see them with `compassion pack list`")
    if ctx.settings.course == pack_id:
        preferences.change(ctx, "course", BUILTIN)


def follow(ctx: Context, course: str) -> None:
    """Follow the built-in course or an installed pack's (the setting `course`)."""
    from player.app import preferences

    if course != BUILTIN and course not in store.installed(ctx.data_dir):
        raise CompassionError(f"no course called '{course}' is installed", "see them with `compassion pack list`")
    preferences.change(ctx, "course", course)
