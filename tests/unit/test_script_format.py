"""The script format: parsing, inline pauses, repeat expansion, and line numbers for every key."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core.errors import ScriptError
from player.core.script.model import Gap, Pause, Speech, split_inline_pauses
from player.core.script.parse import parse_script
from player.core.script.toml_lines import key_lines

FULL = b"""title = "Soothing Rhythm Breathing"
summary = "Slowing the breath to settle the body."
kind = "core"
[voice]
rate = 140
voice = "en-gb"
volume = 0.9

[[step]]
bell = "bowl"
pause = 2

[[step]]
say = "Find a way of sitting. [pause 2] Let your eyes close, if that feels okay."
pause = 5

[[step]]
say = "Breathing in, and breathing out."
pause = [10, 60]

[[step]]
repeat = 3
steps = [ { say = "In.", pause = 4 }, { say = "Out.", pause = 4 } ]

[[step]]
pause = 20
"""


def test_the_documented_example_parses():
    s = parse_script(Path("week1/breath.toml"), FULL, bells={"bowl"})
    assert s.id == "breath" and s.kind == "core"
    assert (s.voice.rate, s.voice.voice, s.voice.volume) == (140, "en-gb", 0.9)
    ev = s.events()
    speech = [e.text for e in ev if isinstance(e, Speech)]
    assert (
        speech
        == ["Find a way of sitting.", "Let your eyes close, if that feels okay.", "Breathing in, and breathing out."]
        + ["In.", "Out."] * 3
    )
    assert Gap(Pause(10, 60, True)) in ev
    assert ev[-1] == Gap(Pause.fixed(20))


def test_inline_pauses_allow_decimals_and_spacing():
    assert list(split_inline_pauses("A. [pause 1.5]B.[ pause 2 ] C.")) == ["A.", 1.5, "B.", 2.0, "C."]


def test_key_lines_reach_into_inline_tables():
    text = 'title = "t"\n[[step]]\nsay = "a"\n[[step]]\nrepeat = 2\nsteps = [\n { say = "x" },\n { pause = 3 },\n]\n'
    lines = key_lines(text)
    assert lines[("title",)] == 1
    assert lines[("step", 0, "say")] == 3
    assert lines[("step", 1)] == 4
    assert lines[("step", 1, "steps", 1, "pause")] == 8


def test_multiline_strings_do_not_confuse_line_numbers():
    text = 'title = "T"\nsummary = """Two\nlines"""\n[[step]]\nsay = \'\'\'a\n[[step]]\n\'\'\'\npasue = 1\n'
    with pytest.raises(ScriptError) as e:
        parse_script(Path("m.toml"), text.encode())
    assert [p.line for p in e.value.problems] == [8]


def test_every_spoken_segment_knows_the_line_of_its_step(tmp_path):
    text = (
        'title = "Lines"\n'  # 1
        "[[step]]\n"  # 2
        'say = "Outer."\n'  # 3
        "[[step]]\n"  # 4
        "repeat = 2\n"  # 5
        "steps = [\n"  # 6
        '  { say = "In." },\n'  # 7
        "\n"  # 8
        '  { say = "Out.", pause = 1 },\n'  # 9
        "]\n"  # 10
        "[[step]]\n"  # 11
        'say = "Last."\n'  # 12
    )
    p = tmp_path / "lines.toml"
    p.write_text(text)
    speech = [(e.text, e.line) for e in parse_script(p, p.read_bytes()).events() if isinstance(e, Speech)]
    assert speech == [("Outer.", 2), ("In.", 7), ("Out.", 9), ("In.", 7), ("Out.", 9), ("Last.", 11)]


@pytest.mark.parametrize(
    ("step", "message", "line"),
    [
        ('phrases = ["May I rest."]\ncount = 9', "count in step 2 is how many of the listener's phrases, 1 to 6", 8),
        ('say = "Hello."\ncount = 1', "count in step 2 goes with phrases", 8),
        ('say = "Hello."\nif_letter = "yes"', "if_letter in step 2 is true or false", 8),
        ('phrases = ["May I rest."]\nif_letter = true', "if_letter in step 2 goes with say", 8),
    ],
)
def test_count_and_if_letter_are_checked_with_their_line(step, message, line):
    text = f'title = "T"\n[[step]]\nsay = "Hi."\n\n[[step]]\n# the step under test\n{step}\n'
    with pytest.raises(ScriptError) as caught:
        parse_script(Path("t.toml"), text.encode())
    shown = str(caught.value.problems[0])
    assert message in shown and shown.startswith(f"t.toml:{line}:"), shown


def test_count_speaks_the_first_of_the_listeners_phrases_and_if_letter_only_with_a_letter():
    from player.core.script.model import NO_WORDS, Words

    text = (
        'title = "T"\n[[step]]\nphrases = ["Course one.", "Course two."]\ncount = 1\n'
        '[[step]]\nletter = "No letter yet."\n[[step]]\nsay = "How was that?"\nif_letter = true\npause = 20\n'
    )
    script = parse_script(Path("t.toml"), text.encode())
    said = [e.text for e in script.events(NO_WORDS) if isinstance(e, Speech)]
    assert said == ["Course one.", "Course two.", "No letter yet."]  # the course's own are all said
    mine = Words(("Mine one.", "Mine two."), "Dear me.", "o1")
    said = [e.text for e in script.events(mine) if isinstance(e, Speech)]
    assert said == ["Mine one.", "Dear me.", "How was that?"]
    assert sum(isinstance(e, Gap) and e.pause.low == 20 for e in script.events(mine)) == 1
