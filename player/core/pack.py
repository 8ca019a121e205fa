"""A course pack's manifest, `pack.toml`: who made the course, which version it is, and which practices
were renamed. Pure: the bytes come in, a Manifest (or every problem, each at its line) comes out.

A pack carries data only (scripts, a course file, recordings), never code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from player.core.errors import Problem, ScriptError
from player.core.script.checks import NAME
from player.core.script.toml_lines import key_lines, line_of

MIMETYPE = "application/vnd.compassion-player.pack+zip"
SUFFIX = ".cpack"
#: A pack's id: lowercase letters, digits, dots and hyphens, 3 to 64 characters (org.example.gentle-start).
ID = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{1,62})[a-z0-9]$")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$"
)
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
KEYS = ("id", "title", "version", "authors", "language", "license", "description", "renamed")
REQUIRED = ("id", "title", "version", "authors", "language", "license", "description")


@dataclass(frozen=True)
class Manifest:
    id: str
    title: str
    version: str
    authors: tuple[str, ...]
    language: str
    license: str
    description: str
    #: Practices renamed in this version: old name -> new name (progress follows them).
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """The name its built file goes by: ID-VERSION.cpack."""
        return f"{self.id}-{self.version}{SUFFIX}"


def version_key(version: str) -> tuple[object, ...]:
    """Semver order: 1.0.0-beta < 1.0.0 < 1.1.0 (build metadata is ignored)."""
    m = SEMVER.match(version)
    if m is None:
        return (-1,)
    core = tuple(int(m.group(i)) for i in (1, 2, 3))
    pre = m.group(4)
    if pre is None:
        return (*core, 1, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (*core, 0, parts)


def parse_manifest(path: Path, data: bytes) -> Manifest:
    """Check `pack.toml`'s bytes; every problem is reported with its line."""
    try:
        text = data.decode("utf-8-sig")
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScriptError([Problem(path, 1, f"cannot read the pack's manifest: {exc}")]) from None
    problems: list[Problem] = []
    lines = key_lines(text)

    def err(where: tuple[str | int, ...], msg: str) -> None:
        problems.append(Problem(path, line_of(lines, where), msg))

    for key in doc:
        if key not in KEYS:
            err((key,), f"unknown key '{key}' in pack.toml (it takes {', '.join(KEYS)})")
    for key in REQUIRED:
        if key not in doc:
            err((), f"pack.toml needs {key}")
    for key in ("title", "license", "description"):
        if key in doc and (not isinstance(doc[key], str) or not doc[key].strip()):
            err((key,), f"{key} in pack.toml is text in quotes, not empty")
    pack_id = doc.get("id")
    if "id" in doc and (not isinstance(pack_id, str) or not ID.match(pack_id) or ".." in pack_id):
        err(("id",), 'id is 3 to 64 lowercase letters, digits, dots and hyphens, like "org.example.gentle-start"')
    version = doc.get("version")
    if "version" in doc and (not isinstance(version, str) or not SEMVER.match(version)):
        err(("version",), 'version is a semantic version, like "1.0.0"')
    authors = doc.get("authors")
    if "authors" in doc and (
        not isinstance(authors, list) or not authors or not all(isinstance(a, str) and a.strip() for a in authors)
    ):
        err(("authors",), 'authors is a list of names, like ["Dr Jo Example"]')
    language = doc.get("language")
    if "language" in doc and (not isinstance(language, str) or not LANGUAGE.match(language)):
        err(("language",), 'language is a BCP-47 code, like "en" or "en-GB"')
    renamed = doc.get("renamed", {})
    if not isinstance(renamed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and NAME.match(k) and NAME.match(v) for k, v in renamed.items()
    ):
        err(("renamed",), 'renamed maps old practice names to new ones, like old-name = "new-name"')
        renamed = {}
    if problems:
        raise ScriptError(sorted(problems, key=lambda p: p.line))
    assert isinstance(pack_id, str) and isinstance(version, str) and isinstance(authors, list)
    return Manifest(
        pack_id,
        str(doc["title"]).strip(),
        version,
        tuple(a.strip() for a in authors),
        str(language),
        str(doc["license"]).strip(),
        str(doc["description"]).strip(),
        dict(renamed),
    )
