"""Reading a script: bytes to text to TOML, with every problem located by line (the file itself is read
by the catalog).

The rules a valid script follows are in `player.core.script.validate`; the result is the frozen dataclasses of
`player.core.script.model`, or a `ScriptError` listing every problem as `PATH:LINE: error: MESSAGE`.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Collection
from pathlib import Path

from player.core.errors import Problem, ScriptError
from player.core.script.model import Script
from player.core.script.validate import Validator


def parse_script(
    path: Path,
    data: bytes,
    *,
    bells: Collection[str] | None = None,
    backgrounds: Collection[str] | None = None,
) -> Script:
    """Validate a script file's bytes (`path` names it in messages). `bells`/`backgrounds` are the sound
    names that exist. Raises `ScriptError` listing every problem found."""
    path = Path(path)
    text = _decode(path, data)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScriptError([_toml_problem(path, str(exc))]) from None
    except RecursionError:
        raise ScriptError([Problem(path, 1, "the TOML is nested too deeply to read")]) from None
    validator = Validator(path, text, bells, backgrounds)
    script = validator.script(doc, hashlib.sha256(data).hexdigest())
    if validator.problems:
        raise ScriptError(sorted(validator.problems, key=lambda p: p.line), validator.recordings)
    assert script is not None
    return script


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # Windows editors often add a byte-order mark; TOML files may carry one.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScriptError(
            [Problem(path, line, "the file is not UTF-8 text; save it as UTF-8 in your editor")]
        ) from None


_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def _toml_problem(path: Path, message: str) -> Problem:
    m = re.search(r"at line (\d+), column (\d+)", message)
    line = int(m.group(1)) if m else max(1, message.count("\n") + 1)
    if not m and "end of document" in message:
        line = 0
    what = _TOML_POS.sub("", message).strip().rstrip(".")
    col = f" at column {m.group(2)}" if m else ""
    hint = "; check quotes, brackets and that each key = value is on its own line"
    if line == 0:
        return Problem(path, 1, f"TOML syntax: {what.lower()} at the end of the file{hint}")
    return Problem(path, line, f"TOML syntax: {what.lower()}{col}{hint}")
