"""Caption sidecars (WebVTT and LRC) from a timeline's cues."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from player.adapters.files import write_text
from player.core.formats import CAPTION_FORMATS
from player.core.timeline import Cue

FORMATS = CAPTION_FORMATS


def _vtt_time(t: float) -> str:
    ms = int(round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _lrc_time(t: float) -> str:
    cs = int(round(t * 100))
    m, rem = divmod(cs, 6000)
    s, cs = divmod(rem, 100)
    return f"{m:02d}:{s:02d}.{cs:02d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def vtt_escape(text: str) -> str:
    """Cue text as WebVTT needs it: `&`, `<` and `>` as character references (so `-->` cannot appear)."""
    return _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0").replace("&amp;", "&")


def to_vtt(cues: Sequence[Cue], title: str = "") -> str:
    # The header's free text may not hold "-->" either.
    header = "WEBVTT" + (f" - {_one_line(title).replace('-->', '->')}" if title else "")
    lines = [header, ""]
    for i, c in enumerate(cues, 1):
        lines += [str(i), f"{_vtt_time(c.start)} --> {_vtt_time(c.end)}", vtt_escape(c.text), ""]
    return "\n".join(lines)


def to_lrc(cues: Sequence[Cue], title: str = "", album: str = "") -> str:
    """LRC: one line per cue, whatever the text holds."""
    lines = []
    if title:
        lines.append(f"[ti:{_one_line(title)}]")
    if album:
        lines.append(f"[al:{_one_line(album)}]")
    lines += [f"[{_lrc_time(c.start)}]{_one_line(c.text)}" for c in cues]
    return "\n".join(lines) + "\n"


def parse_vtt(text: str) -> list[Cue]:
    """Read cues back from WebVTT (to check a rendered file against its audio)."""
    cues = []
    blocks = text.strip().split("\n\n")
    for block in blocks[1:]:
        rows = block.strip().splitlines()
        for i, row in enumerate(rows):
            if "-->" in row:
                a, b = (p.strip() for p in row.split("-->"))
                cues.append(Cue(_parse_vtt_time(a), _parse_vtt_time(b), vtt_unescape(" ".join(rows[i + 1 :]))))
                break
    return cues


def _parse_vtt_time(s: str) -> float:
    h, m, rest = s.split(":")
    return int(h) * 3600 + int(m) * 60 + float(rest)


def sidecar_path(audio: Path, fmt: str) -> Path:
    return audio.with_suffix(f".{fmt}")


def write(
    audio: Path, fmt: str, cues: Sequence[Cue], title: str, album: str = "", *, private: bool = False
) -> Path | None:
    """Write the caption file beside `audio` (`private`: readable by this user only, as when it holds the
    listener's own words); returns its path (None for format `none`)."""
    if fmt == "none":
        return None
    path = sidecar_path(audio, fmt)
    text = to_vtt(cues, title) if fmt == "vtt" else to_lrc(cues, title, album)
    write_text(path, text, "caption file", private=private)
    return path
