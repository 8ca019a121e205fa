"""Reading the scripts people already have: plain text with pause markers, Markdown, SSML and step JSON,
each into the pieces `player.core.convert` makes steps of. The input is untrusted: XML goes through
defusedxml, front matter through python-frontmatter, Markdown's blocks through markdown-it-py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.sax.handler import ContentHandler

from player.core.convert import STRENGTH, Piece, rate_of, read_paragraph, seconds
from player.core.errors import CompassionError

FORMATS = ("text", "markdown", "ssml", "json")
#: SSML elements whose words are spoken as they are (the tag itself means nothing here).
KNOWN_TAGS = ("speak", "s", "sentence", "emphasis", "say-as", "phoneme", "voice", "lang", "w", "token")
Notes = list[tuple[int, str]]


def guess_format(path: Path, text: str) -> str:
    """From the file's extension, else from what it holds."""
    suffix = path.suffix.lower()
    by_suffix = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".ssml": "ssml", ".xml": "ssml"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix == ".json":
        return "json"
    start = text.lstrip()[:200].lower()
    if start.startswith(("<speak", "<?xml")):
        return "ssml"
    if start.startswith(("{", "[{")) or start == "[":
        return "json"
    if start.startswith("---") or re.search(r"^#{1,6} |\*\*|^\s*[-*] |_\(", text, re.MULTILINE):
        return "markdown"
    return "text"


def read(path: Path, text: str, fmt: str) -> tuple[str, list[Piece], Notes]:
    """The title, the pieces and the notes of a file in format `fmt`."""
    notes: Notes = []
    title, pieces = {"text": _text, "markdown": _markdown, "ssml": _ssml, "json": _json}[fmt](path, text, notes)
    return title or path.stem.replace("-", " ").replace("_", " ").strip().capitalize(), pieces, notes


def _paragraphs(lines: list[str], first: int) -> list[tuple[int, str]]:
    """Blocks of lines separated by blank lines, each with the number of its first line."""
    out: list[tuple[int, str]] = []
    block: list[str] = []
    start = first
    for i, raw in enumerate(lines, first):
        if raw.strip():
            if not block:
                start = i
            block.append(raw)
        elif block:
            out.append((start, "\n".join(block)))
            block = []
    if block:
        out.append((start, "\n".join(block)))
    return out


def _text(path: Path, text: str, notes: Notes) -> tuple[str, list[Piece]]:
    pieces: list[Piece] = []
    for line, block in _paragraphs(text.splitlines(), 1):
        pieces += read_paragraph(block, line, notes)
        pieces.append(Piece("para", line))
    return "", pieces


def _markdown(path: Path, text: str, notes: Notes) -> tuple[str, list[Piece]]:
    import frontmatter
    from markdown_it import MarkdownIt

    title = ""
    offset = 0
    if text.lstrip().startswith("---"):
        try:
            post = frontmatter.loads(text)
        except Exception as exc:  # the library raises YAML's own errors: any of them means the same
            raise CompassionError(f"{path}: its front matter cannot be read ({exc})") from None
        if post.metadata:
            title = str(post.metadata.get("title") or "")
            offset = text[: len(text) - len(post.content)].count("\n") if post.content else 0
            notes.append((1, "the front matter was read for the title and left out"))
            text = post.content
    lines = text.splitlines()
    pieces: list[Piece] = []
    tokens = MarkdownIt("commonmark").parse(text)
    for i, token in enumerate(tokens):
        if token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        line = start + 1 + offset
        if token.type == "heading_open":
            words = tokens[i + 1].content.strip()
            plain = re.sub(r"[*_`#]", "", words).strip()
            if not title and not pieces:
                title = plain
                notes.append((line, f"the heading '{plain}' became the title"))
            else:
                notes.append((line, f"the heading '{plain}' was left out (headings are not spoken)"))
                pieces.append(Piece("para", line))
        elif token.type == "paragraph_open":
            block = "\n".join(lines[start:end])
            block = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*>\s?", "", block, flags=re.MULTILINE)
            pieces += read_paragraph(block, line, notes)
            pieces.append(Piece("para", line))
        elif token.type in ("fence", "code_block", "html_block"):
            notes.append((line, f"a {token.type.replace('_', ' ')} was left out"))
        elif token.type == "hr":
            pieces.append(Piece("para", line))
    return title, pieces


def _ssml(path: Path, text: str, notes: Notes) -> tuple[str, list[Piece]]:
    import xml.sax

    from defusedxml import DefusedXmlException
    from defusedxml.sax import parseString

    handler = _Ssml(path.parent, notes)
    try:
        parseString(text.encode("utf-8"), handler)
    except (xml.sax.SAXParseException, DefusedXmlException, ValueError) as exc:
        line = getattr(exc, "getLineNumber", lambda: 1)()
        raise CompassionError(
            f"{path}:{line}: the SSML cannot be read ({exc})", "check that its tags are closed"
        ) from None
    return "", handler.pieces


class _Ssml(ContentHandler):
    """SAX events of SSML as pieces: words, breaks (added up), paragraphs, rates, recordings."""

    def __init__(self, folder: Path, notes: Notes) -> None:
        super().__init__()
        self.folder, self.notes = folder, notes
        self.pieces: list[Piece] = []
        self.rates: list[float | None] = [None]
        self.skip = 0  # inside an element whose words are not spoken (<audio> fallback, <desc>)
        self.audio: list[tuple[str | None, int, list[str]]] = []
        self.reported: set[str] = set()

    @property
    def line(self) -> int:
        locator = getattr(self, "_locator", None)
        return int(locator.getLineNumber()) if locator is not None else 1

    def startElement(self, name: str, attrs: Any) -> None:
        tag = name.split(":")[-1].lower()
        if tag == "break":
            self._break(attrs)
        elif tag == "prosody":
            rate = attrs.get("rate")
            pace = rate_of(rate) if rate else self.rates[-1]
            if rate and pace is None:
                self.notes.append((self.line, f"the rate '{rate}' is not relative; the listener's pace was kept"))
            self.rates.append(pace)
        elif tag in ("p", "paragraph"):
            self.pieces.append(Piece("para", self.line))
        elif tag == "audio":
            self.audio.append((attrs.get("src"), self.line, []))
        elif tag == "sub" and attrs.get("alias"):
            self.pieces.append(Piece("say", self.line, attrs.get("alias"), rate=self.rates[-1]))
            self.skip += 1
        elif tag in ("desc", "mark", "meta", "metadata", "lexicon"):
            self.skip += 1
        elif tag not in KNOWN_TAGS and tag not in self.reported:
            self.reported.add(tag)
            self.notes.append((self.line, f"<{tag}> is not used here; its words were kept, the tag left out"))

    def endElement(self, name: str) -> None:
        tag = name.split(":")[-1].lower()
        if tag == "prosody" and len(self.rates) > 1:
            self.rates.pop()
        elif tag in ("p", "paragraph"):
            self.pieces.append(Piece("para", self.line))
        elif tag == "audio" and self.audio:
            self._recording(*self.audio.pop())
        elif tag in ("sub", "desc", "mark", "meta", "metadata", "lexicon") and self.skip:
            self.skip -= 1

    def characters(self, content: str) -> None:
        if self.audio:
            self.audio[-1][2].append(content)
        elif not self.skip and content.strip():
            self.pieces.append(Piece("say", self.line, " ".join(content.split()), rate=self.rates[-1]))

    def _break(self, attrs: Any) -> None:
        time, strength = attrs.get("time"), attrs.get("strength")
        if time:
            m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*", time.lower())
            if m is None:
                self.notes.append((self.line, f'<break time="{time}"> has no length this app reads; left out'))
                return
            value = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
        else:
            name = (strength or "medium").lower()
            value = STRENGTH.get(name, STRENGTH["medium"])
            self.notes.append((self.line, f'<break strength="{name}"> became a pause of {value:g} s (the table)'))
        if value > 0:
            self.pieces.append(Piece("pause", self.line, low=value, high=value))

    def _recording(self, src: str | None, line: int, words: list[str]) -> None:
        caption = " ".join(" ".join(words).split())
        local = (self.folder / src) if src and "://" not in src else None
        if local is not None and local.is_file() and caption:
            self.pieces.append(Piece("audio", line, caption, audio=local.resolve().as_posix()))
            self.notes.append((line, f'<audio src="{src}"> became a recorded line, its words the caption'))
        else:
            why = "it is not a file beside this one" if caption else "it has no words to show as its caption"
            self.notes.append((line, f'<audio src="{src}"> was left out: {why}'))


def _json(path: Path, text: str, notes: Notes) -> tuple[str, list[Piece]]:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise CompassionError(f"{path}:{line}: not JSON ({exc})", "use the step JSON described in the README") from None
    title = ""
    steps = doc
    if isinstance(doc, dict):
        title = str(doc.get("title") or "")
        steps = doc.get("steps")
    if not isinstance(steps, list):
        raise CompassionError(
            f"{path}:1: no list of steps", 'use {"title": ..., "steps": [...]} or a bare list of steps'
        )
    lines = [i + 1 for i, raw in enumerate(text.splitlines()) if re.search(r'"type"\s*:', raw)]
    pieces: list[Piece] = []
    for n, step in enumerate(steps):
        line = lines[n] if n < len(lines) else 1
        kind = str(step.get("type", "")).lower() if isinstance(step, dict) else ""
        if kind == "heading":
            words = str(step.get("text", "")).strip()
            if not title and not pieces:
                title = words
                notes.append((line, f"the heading '{words}' became the title"))
            else:
                notes.append((line, f"the heading '{words}' was left out (headings are not spoken)"))
        elif kind in ("speech", "say", "text"):
            rate = rate_of(str(step["rate"])) if isinstance(step.get("rate"), str) else None
            pieces += read_paragraph(str(step.get("text", "")), line, notes, rate)
        elif kind in ("pause", "silence"):
            pause = _json_pause(step)
            if pause is None:
                notes.append((line, "a pause with no length this app reads was left out"))
            else:
                pieces.append(Piece("pause", line, low=pause[0], high=pause[1]))
        elif kind == "bell":
            pieces.append(Piece("bell", line))
        else:
            notes.append((line, f"a step of type '{kind or '?'}' is not known here; it was left out"))
    return title, pieces


def _json_pause(step: dict[str, Any]) -> tuple[float, float] | None:
    """A JSON pause's length: seconds (`duration`, `seconds`, `length`: a number or "10s", "2 min"), or a
    range (`min` and `max`)."""
    if isinstance(step.get("min"), int | float) and isinstance(step.get("max"), int | float):
        return float(min(step["min"], step["max"])), float(max(step["min"], step["max"]))
    for key in ("duration", "seconds", "length", "time"):
        value = step.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value), float(value)
        if isinstance(value, str):
            m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|mins?|minutes?)?\s*", value.lower())
            if m:
                amount = seconds(float(m.group(1)), m.group(2))
                return amount, amount
    return None
