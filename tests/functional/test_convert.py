"""`compassion convert`: scripts people already have, in four formats, become ours. Each converted script
validates, holds every sentence and no markup, keeps ranges as ranges, and (rendered with real espeak-ng)
has the silences its file asks for, read from the audio, with at most 2 s added for each spoken line."""

from __future__ import annotations

import re
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from player.app import context
from player.app import convert as converting
from player.core.errors import CompassionError
from player.core.script.model import Gap, Speech
from player.core.script.parse import parse_script
from tests.conftest import run_cli
from tests.functional.convert_cases import ALL, Case
from tests.functional.test_recorded_lines import cues

MARKUP = re.compile(r"[\[\]*_<>\\#`]|https?:|PAUSE|Instructor", re.IGNORECASE)


def quiet_seconds(path: Path, shortest: float = 0.7) -> float:
    """The silence in a rendered file, read from its samples: 20 ms windows quieter than -50 dBFS, in
    runs of at least `shortest` seconds (the gaps inside a spoken line are shorter)."""
    with wave.open(str(path)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64)
    hop = rate // 50
    windows = pcm[: len(pcm) // hop * hop].reshape(-1, hop)
    quiet = np.sqrt((windows**2).mean(axis=1)) < 32768 * 10 ** (-50 / 20)
    total = run = 0
    for q in quiet:
        if q:
            run += 1
        else:
            total += run if run * 0.02 >= shortest else 0
            run = 0
    total += run if run * 0.02 >= shortest else 0
    return total * 0.02


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_a_converted_script_says_every_sentence_and_keeps_every_silence(case: Case, home, tmp_path):
    source = tmp_path / case.name
    source.write_text(case.text, encoding="utf-8")
    target = tmp_path / "converted.toml"
    r = run_cli("convert", str(source), "-o", str(target))
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"{source}: read as "), r.stderr
    assert run_cli("validate", str(target)).returncode == 0
    script = parse_script(target, target.read_bytes())
    events = script.events()
    said = [e.text for e in events if isinstance(e, Speech)]
    gaps = [e.pause for e in events if isinstance(e, Gap)]
    heard = " ".join(said)
    assert all(sentence in heard for sentence in case.sentences), (said, case.sentences)
    assert not any(MARKUP.search(text) for text in said), said
    low, high = sum(g.low for g in gaps), sum(g.high for g in gaps)
    allowed = 2.0 * len(said)
    assert case.low <= low <= case.low + allowed and case.high <= high <= case.high + allowed, (low, high)
    assert sum(1 for g in gaps if g.elastic) == case.ranges  # ranges stay ranges
    # Rendered: the captions are the spoken lines, and the quiet in the audio is what was asked for.
    out = tmp_path / "converted.wav"
    r = run_cli("render", str(target), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert [c[2] for c in cues(out.with_suffix(".vtt").read_text())] == said
    quiet = quiet_seconds(out)
    last = max(i for i, e in enumerate(events) if not isinstance(e, Gap))
    trailing = sum(e.pause.low for e in events[last + 1 :] if isinstance(e, Gap))  # a file ends < 1 s after its sound
    lead_and_tail = 0.25 + 1.0
    assert low - trailing - 0.5 <= quiet <= low + allowed + lead_and_tail + 0.5 * len(said), (quiet, low)


def test_the_report_names_every_guess_and_everything_left_out_at_its_line(home, tmp_path):
    source = tmp_path / "sections.md"
    source.write_text(next(c for c in ALL if c.name == "sections.md").text)
    r = run_cli("convert", str(source))
    assert r.returncode == 0 and r.stdout.startswith("# Converted from sections.md")
    report = r.stderr.splitlines()
    assert report[0] == f"{source}: read as markdown; 3 spoken lines, 3 pauses (14.5 s in all)"
    assert f"{source}:1: the heading 'Body Scan' became the title" in report
    assert f"{source}:3: '[Opening – 2 min]' is a section's length, not a pause; it was left out" in report
    assert any(line.startswith(f"{source}:5: '(a few breaths)' became a pause of 8 s") for line in report)
    assert f"{source}:7: '(10 min)' is a section's length, not a pause; it was left out" in report
    assert any(line.startswith(f"{source}:9: '(a moment)' became a pause of 5 s") for line in report)


def test_ssml_breaks_strengths_rates_and_recordings(home, tmp_path):
    (tmp_path / "welcome.wav").write_bytes((Path(__file__).parent.parent.parent / "audio" / "bowl.wav").read_bytes())
    source = tmp_path / "guided.ssml"
    source.write_text(
        '<speak>\n<prosody rate="slow">Slowly now.</prosody>\n<break strength="weak"/>\n'
        '<audio src="welcome.wav">A bell to begin.</audio>\n<prosody rate="150wpm">Onwards.</prosody>\n</speak>\n'
    )
    out = tmp_path / "elsewhere" / "guided.toml"
    out.parent.mkdir()
    r = run_cli("convert", str(source), "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert 'say = "Slowly now."\nrate = 0.85\npause = 0.5' in text  # relative to the listener's pace
    assert 'say = "A bell to begin."\naudio = "../welcome.wav"' in text  # found from where the script is
    assert f'{source}:3: <break strength="weak"> became a pause of 0.5 s (the table)' in r.stderr
    assert f"{source}:5: the rate '150wpm' is not relative; the listener's pace was kept" in r.stderr
    assert run_cli("validate", str(out)).returncode == 0


def test_what_cannot_be_converted_is_said_in_one_line_and_nothing_is_written(home, tmp_path):
    cases = {
        "empty.md": ("# Only a heading\n\n(Pause for 10 seconds)\n", "nothing to speak was found"),
        "latin1.txt": ("Café au lait, [PAUSE:3]".encode("latin-1"), ":1: not UTF-8 text"),
        "broken.ssml": ("<speak>Hello <break time='3s'></speak>", ":1: the SSML cannot be read"),
        "broken.json": ('[{"type": "speech", "text": "Hi"}', ": not JSON"),
        "missing.txt": (None, "file not found"),
    }
    for name, (content, said) in cases.items():
        source = tmp_path / name
        if isinstance(content, bytes):
            source.write_bytes(content)
        elif content is not None:
            source.write_text(content)
        out = tmp_path / (name + ".toml")
        r = run_cli("convert", str(source), "-o", str(out))
        assert r.returncode == 2 and said in r.stderr and "Traceback" not in r.stderr, (name, r.stderr)
        assert len(r.stderr.strip().splitlines()) <= 2 and not out.exists()


def test_a_one_megabyte_file_converts_in_process_in_under_ten_seconds(tmp_path, home):
    block = "Notice the breath, just as it is. [PAUSE:5]\n_(Pause for 10-20 seconds)_\n\nRest here. (Pause briefly)\n\n"
    source = tmp_path / "long.md"
    source.write_text(block * (1024 * 1024 // len(block) + 1))
    assert source.stat().st_size >= 1024 * 1024
    ctx = context.open_context(home)
    started = time.perf_counter()
    result = converting.convert(ctx, source)
    text = result.toml(tmp_path)
    assert time.perf_counter() - started < 10
    assert result.converted.spoken > 10_000 and text.count("[[step]]") == len(result.converted.steps)


def test_the_format_can_be_given_when_the_name_does_not_say_it(home, tmp_path):
    source = tmp_path / "script.data"
    source.write_text("Hello. [PAUSE:3] Goodbye.\n")
    r = run_cli("convert", str(source), "--from", "text")
    assert r.returncode == 0 and "read as text" in r.stderr and "pause = 3" in r.stdout
    with pytest.raises(CompassionError):
        converting.convert(context.open_context(home), tmp_path / "nothing.txt")
