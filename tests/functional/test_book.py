"""A week as one audiobook file (.m4b) or one MP3 with chapters, read back with ffprobe and mutagen."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from tests import audiocheck as ac
from tests.conftest import interrupt_render

WEEK = 2
MINUTES = "1"  # shorter than any practice: each runs at the shortest length it can


def probe(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_chapters", "-show_format", "-show_streams", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def db(samples: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-9)


@pytest.fixture(scope="module")
def singles(tmp_path_factory, shared_cache):
    """Each practice of the week rendered on its own (WAV: exact lengths), with its title, in course order."""
    folder = tmp_path_factory.mktemp("singles")
    env = {
        "COMPASSION_DATA_DIR": str(folder / "data"),
        "COMPASSION_CONFIG_DIR": str(folder / "config"),
        "COMPASSION_CACHE_DIR": str(shared_cache),
        "COMPASSION_ENGINE": "pyttsx3",
    }
    from tests.conftest import run_cli

    listing = json.loads(run_cli("list", "--json", env=env).stdout)
    titles = [ex["title"] for ex in next(w for w in listing["weeks"] if w["number"] == WEEK)["exercises"]]
    # the week rendered as separate files, one per practice, each fitted to MINUTES as the book does
    r = run_cli("render", f"week:{WEEK}", "-o", str(folder), "--minutes", MINUTES, "--format", "wav", env=env)
    assert r.returncode == 0, r.stderr
    files = sorted(folder.glob("*.wav"))
    assert len(files) == len(titles)
    out = []
    for title, path in zip(titles, files, strict=True):
        assert title in path.name
        samples, rate = ac.read_wav(path)
        out.append((title, samples, rate, path.with_suffix(".vtt").read_text().count(" --> ")))
    return out


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_a_week_as_one_file_has_a_chapter_per_practice_at_the_right_times(home, tmp_path, cli, singles, fmt):
    book = tmp_path / f"week{WEEK}.{fmt}"
    extra = [] if fmt == "m4b" else ["--single-file"]
    r = cli("render", f"week:{WEEK}", "-o", str(book), "--minutes", MINUTES, *extra, timeout=300)
    assert r.returncode == 0, r.stderr
    written = sorted(p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith("."))
    assert written == sorted([book.name, f"week{WEEK}.vtt"])  # one file (and its captions), no temporaries
    info = probe(book)
    chapters = info["chapters"]
    # one chapter per practice, in course order, titled "Week N · Title"
    assert [c["tags"]["title"] for c in chapters] == [f"Week {WEEK} · {title}" for title, *_ in singles]
    # each starts where the ones before it end, as rendered on their own
    lengths = [len(samples) / rate for _, samples, rate, _ in singles]
    starts = np.cumsum([0.0, *lengths[:-1]])
    assert [float(c["start_time"]) for c in chapters] == pytest.approx(list(starts), abs=0.1)
    assert float(info["format"]["duration"]) == pytest.approx(sum(lengths), abs=0.2)
    tags = {k.lower(): v for k, v in info["format"]["tags"].items()}
    assert tags["title"].startswith(f"Week {WEEK}:") and "Week" in tags["album"] and tags["artist"]
    assert any(s.get("disposition", {}).get("attached_pic") == 1 for s in info["streams"])  # the cover
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert audio["codec_name"] == ("aac" if fmt == "m4b" else "mp3")
    # the same loudness as the single renders, practice by practice
    decoded = ac.decode(book)
    for (title, samples, rate, _), start, length in zip(singles, starts, lengths, strict=True):
        part = decoded[int(start * rate) : int((start + length) * rate)]
        assert db(part) == pytest.approx(db(samples), abs=0.5), title
    # captions for the whole file: every line of every practice, on the book's clock
    vtt = book.with_suffix(".vtt").read_text()
    assert vtt.count(" --> ") == sum(c for *_, c in singles)
    # nothing changed: a second run does nothing
    before = book.stat().st_mtime_ns
    again = cli("render", f"week:{WEEK}", "-o", str(book), "--minutes", MINUTES, *extra, timeout=120)
    assert again.returncode == 0 and "already up to date" in again.stderr
    assert book.stat().st_mtime_ns == before


def test_mp3_chapters_are_an_ordered_table_of_contents(home, tmp_path, cli, singles):
    from mutagen.id3 import ID3, CTOCFlags

    book = tmp_path / "w.mp3"
    assert cli("render", f"week:{WEEK}", "-o", str(book), "--minutes", MINUTES).returncode == 0
    tags = ID3(book)
    [toc] = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    ordered = [chaps[i] for i in toc.child_element_ids]
    assert [c.sub_frames["TIT2"].text[0] for c in ordered] == [f"Week {WEEK} · {t}" for t, *_ in singles]
    assert all(a.end_time == b.start_time for a, b in zip(ordered, ordered[1:]))
    assert tags.getall("APIC")[0].mime == "image/png"


def test_one_file_needs_a_week_or_the_course_and_a_format_with_chapters(home, tmp_path, cli):
    r = cli("render", "safe-place", "-o", str(tmp_path / "x.m4b"))
    assert r.returncode == 2 and "week or the whole course" in r.stderr
    r = cli("render", "week:1", "--single-file", "--format", "flac", "-o", str(tmp_path / "x"))
    assert r.returncode == 2 and "m4b" in r.stderr and "Traceback" not in r.stderr
    assert not [p for p in tmp_path.iterdir() if p.is_file()]


def test_interrupting_an_audiobook_leaves_nothing_behind(home, tmp_path, blocking_ffmpeg):
    env, ready = blocking_ffmpeg
    out = tmp_path / "out"
    out.mkdir()
    code, err = interrupt_render(["render", "week:1", "-o", str(out / "w.m4b")], env, ready, out)
    assert code == 130, err
    assert list(out.iterdir()) == []
