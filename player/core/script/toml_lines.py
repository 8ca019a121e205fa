"""Line numbers for the keys and values of a TOML document.

`tomllib` returns plain data with no positions, yet every error we report names a line. This scanner walks a
document that `tomllib` has already accepted and records the line where each key (or array element) starts,
keyed by its path: ``("step", 2, "pause")`` is the `pause` key of the third `[[step]]`, and
``("step", 3, "steps", 1, "say")`` a key inside the second inline table of a `steps` array.
"""

from __future__ import annotations

import re

#: Where a key sits in a document: table names and array indexes, outermost first.
KeyPath = tuple[str | int, ...]
Path_ = KeyPath

_BASIC = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_LITERAL = re.compile(r"'([^'\n]*)'")
# A closing run may hold up to two extra quotes that belong to the content.
_ML_BASIC = re.compile(r'"""((?:[^"\\]|\\.|"(?!""))*)"""("{0,2})', re.DOTALL)
_ML_LITERAL = re.compile(r"'''((?:[^']|'(?!''))*)'''('{0,2})", re.DOTALL)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_BARE = re.compile(r"[A-Za-z0-9_-]*")
#: Blanks and comments, within a line or across lines.
_BLANK = re.compile(r"(?:[ \t\r]|#[^\n]*)*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
#: A bare value (number, date, boolean) runs to the next separator, comment or line end.
_SCALAR = re.compile(r"[^,\]}\n#]*")
#: The commonest line, `key = "text"` or `key = 3` (a comment may follow), read in one step.
_SIMPLE = re.compile(
    r"""([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"(?:[^"\\\n]|\\.)*"(?!")|'[^'\n]*'(?!')|[^\s#,\[\]{}"']+)"""
    r"[ \t\r]*(?:#[^\n]*)?(\n|$)"
)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Path_, int] = {}
        self.aot_counts: dict[Path_, int] = {}

    # -- low-level helpers -------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i < len(self.s):
                if self.s[self.i] == "\n":
                    self.line += 1
                self.i += 1

    def skip_ws(self, newlines: bool) -> None:
        self._skip(_BLANK_LINES if newlines else _BLANK)

    def _skip(self, pattern: re.Pattern[str]) -> None:
        """Move past what `pattern` matches at the cursor, counting the lines it spans."""
        found = pattern.match(self.s, self.i)  # never None: each pattern matches the empty string
        end = found.end() if found else self.i
        self.line += self.s.count("\n", self.i, end)
        self.i = end

    def record(self, path: Path_, line: int) -> None:
        self.lines.setdefault(path, line)

    # -- strings and keys ----------------------------------------------------
    def read_string(self) -> str:
        """A string at the cursor, in one step (the document is valid TOML: tomllib read it first)."""
        quote = self.peek()
        multi = self.s.startswith(quote * 3, self.i)
        pattern = (_ML_BASIC if quote == '"' else _ML_LITERAL) if multi else (_BASIC if quote == '"' else _LITERAL)
        m = pattern.match(self.s, self.i)
        if m is None:
            return self._read_string_slowly()
        self.line += self.s.count("\n", self.i, m.end())
        self.i = m.end()
        body = m.group(1) + (m.group(2) if multi else "")
        return _ESCAPED.sub(r"\1", body) if quote == '"' else body

    def _read_string_slowly(self) -> str:
        quote = self.peek()
        if self.s.startswith(quote * 3, self.i):
            end_mark = quote * 3
            self.advance(3)
            out = []
            while self.i < len(self.s) and not self.s.startswith(end_mark, self.i):
                if quote == '"' and self.peek() == "\\":
                    out.append(self.peek(1))
                    self.advance(2)
                else:
                    out.append(self.peek())
                    self.advance()
            self.advance(3)
            # A closing run may hold up to two extra quotes that belong to the content.
            while self.peek() == quote:
                self.advance()
            return "".join(out)
        self.advance()
        out = []
        while self.i < len(self.s) and self.peek() != quote and self.peek() != "\n":
            if quote == '"' and self.peek() == "\\":
                out.append(self.peek(1))
                self.advance(2)
            else:
                out.append(self.peek())
                self.advance()
        self.advance()
        return "".join(out)

    def read_key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_ws(newlines=False)
            c = self.peek()
            if c in "\"'":
                parts.append(self.read_string())
            else:
                start = self.i
                self._skip(_BARE)
                parts.append(self.s[start : self.i])
            self.skip_ws(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return parts

    # -- values ----------------------------------------------------------------
    def read_value(self, path: Path_) -> None:
        self.skip_ws(newlines=False)
        c = self.peek()
        if c in "\"'":
            self.read_string()
        elif c == "[":
            self.read_array(path)
        elif c == "{":
            self.read_inline_table(path)
        else:
            self._skip(_SCALAR)

    def read_array(self, path: Path_) -> None:
        self.advance()  # [
        index = 0
        while True:
            self.skip_ws(newlines=True)
            if self.peek() in ("]", ""):
                self.advance()
                return
            self.record(path + (index,), self.line)
            self.read_value(path + (index,))
            index += 1
            self.skip_ws(newlines=True)
            if self.peek() == ",":
                self.advance()

    def read_inline_table(self, path: Path_) -> None:
        self.advance()  # {
        while True:
            self.skip_ws(newlines=True)
            if self.peek() in ("}", ""):
                self.advance()
                return
            line = self.line
            key = self.read_key()
            self.record_key(path, key, line)
            self.skip_ws(newlines=False)
            if self.peek() == "=":
                self.advance()
            self.read_value(path + tuple(key))
            self.skip_ws(newlines=True)
            if self.peek() == ",":
                self.advance()

    def record_key(self, base: Path_, key: list[str], line: int) -> None:
        for n in range(1, len(key) + 1):
            self.record(base + tuple(key[:n]), line)

    # -- document ----------------------------------------------------------------
    def scan(self) -> dict[Path_, int]:
        table: Path_ = ()
        while True:
            self.skip_ws(newlines=True)
            if self.i >= len(self.s):
                return self.lines
            line = self.line
            if self.s.startswith("[[", self.i):
                self.advance(2)
                key = tuple(self.read_key())
                self.advance(2)
                index = self.aot_counts.get(key, 0)
                self.aot_counts[key] = index + 1
                table = self._resolve(key) + (index,)
                self.record(table[:-1], line)
                self.record(table, line)
            elif self.peek() == "[":
                self.advance()
                key = tuple(self.read_key())
                self.advance()
                table = self._resolve(key)
                self.record(table, line)
            elif simple := _SIMPLE.match(self.s, self.i):
                self.record_key(table, [simple.group(1)], line)
                self.line += 1 if simple.group(2) else 0
                self.i = simple.end()
                continue
            else:
                parts = self.read_key()
                self.record_key(table, parts, line)
                self.skip_ws(newlines=False)
                if self.peek() == "=":
                    self.advance()
                self.read_value(table + tuple(parts))
            # Anything left on the line is a comment or whitespace.
            self.skip_ws(newlines=False)
            if self.peek() not in ("\n", ""):
                self.advance()

    def _resolve(self, key: tuple[str, ...]) -> Path_:
        # A header inside an array of tables (`[step.voice]`) refers to that array's latest element.
        out: list[str | int] = []
        for part in key:
            out.append(part)
            count = self.aot_counts.get(tuple(p for p in out if isinstance(p, str)))
            if count and tuple(out) != key:
                out.append(count - 1)
        return tuple(out)


def key_lines(text: str) -> dict[Path_, int]:
    """Map each key path in a valid TOML document to the 1-based line where it starts."""
    try:
        return _Scanner(text).scan()
    except (IndexError, ValueError):  # pragma: no cover - the document was already parsed by tomllib
        return {}


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of `path`, or of its nearest located ancestor, or 1."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return 1
