"""`compassion convert`: a script someone already has (plain text, Markdown, SSML or step JSON) as one of
ours, with a report of what became of every cue. The result always passes `validate`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from player.adapters import convert_formats
from player.adapters.files import write_text
from player.app.context import Context
from player.core.convert import Converted, assemble, to_toml
from player.core.errors import CompassionError, ScriptError
from player.core.script.parse import parse_script

#: Larger than this is surely not a script (a whole book would take minutes to read out).
MOST_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Result:
    source: Path
    fmt: str
    converted: Converted

    def toml(self, folder: Path) -> str:
        """The script as it is written into `folder` (its recordings' paths are relative to it), checked
        as `validate` checks it."""
        text = to_toml(self.converted, self.source.name, folder.resolve().as_posix())
        try:
            parse_script(folder / (self.source.stem + ".toml"), text.encode("utf-8"))
        except ScriptError as exc:
            raise CompassionError(f"{self.source}: the converted script does not validate: {exc.lines()[0]}") from None
        return text

    def report(self) -> list[str]:
        """The import report: counts, then every guessed or dropped cue as FILE:LINE: what it became."""
        c = self.converted
        count, low, high = c.pauses
        total = f"{low:g} s" if low == high else f"{low:g} to {high:g} s"
        lines = [
            f"{self.source}: read as {self.fmt}; {c.spoken} spoken lines, {count} pauses ({total} in all)"
            + (", and bells" if any("bell" in s for s in c.steps) else "")
        ]
        lines += [f"{self.source}:{line}: {what}" for line, what in sorted(c.notes)]
        return lines


def convert(ctx: Context, source: Path, fmt: str | None = None) -> Result:
    """Read and convert a file (nothing is written); a file with nothing to speak, or one that cannot be
    read, is a CompassionError naming it."""
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise CompassionError(f"{source}: file not found") from None
    except OSError as exc:
        raise CompassionError(f"{source}: cannot be read ({exc.strerror})") from None
    if len(data) > MOST_BYTES:
        raise CompassionError(f"{source}: {len(data) // 1024 // 1024} MB is more than a script can be (5 MB)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CompassionError(
            f"{source}:{line}: not UTF-8 text", "save it as UTF-8 in your editor, then convert it again"
        ) from None
    fmt = fmt or convert_formats.guess_format(source, text)
    title, pieces, notes = convert_formats.read(source, text, fmt)
    converted = assemble(pieces, title)
    converted.notes += notes
    if not converted.spoken:
        raise CompassionError(f"{source}: nothing to speak was found in it", "check the file, or give --from")
    result = Result(source, fmt, converted)
    result.toml(source.resolve().parent)  # what is written must pass `validate`
    return result


def save(result: Result, target: Path) -> Path:
    """Write the converted script (atomically)."""
    write_text(target, result.toml(target.parent), "converted script")
    return target


def save_as_mine(ctx: Context, result: Result, name: str | None = None) -> Path:
    """Keep it in My scripts as `mine:NAME` (the file's name, made unique)."""
    import re

    stem = re.sub(r"[^a-z0-9_-]+", "-", (name or result.source.stem).lower()).strip("-") or "converted"
    folder = ctx.catalog.user_dir
    target, n = folder / f"{stem}.toml", 2
    while target.exists():
        target, n = folder / f"{stem}-{n}.toml", n + 1
    return save(result, target)
