"""Your own words, spoken back: phrases and a letter, kept on this machine, in captions and renders, exported
only into your own file. Real speech (both engines), real files."""

from __future__ import annotations

import json
import os
import re
import stat

import pytest

from tests.conftest import run_cli

# Clearing the phrases takes their speech out of the shared test cache: these tests, which speak the same
# phrases, run one after another (on one worker), as one person's renders and clears would.
pytestmark = pytest.mark.xdist_group("own_words")

PHRASES = ["May I be gentle with myself today.", "I am allowed to rest.", "This matters, and so do I."]
LETTER = (
    "Dear friend, I see how hard this week has been. You kept going anyway.\n\n"
    "It makes sense that you feel tired! Anyone would, after all of that.\n"
    "Many people carry something like this. You are not alone in it.\n\n"
    "Tonight, one small step is enough. I am on your side."
)
needs_piper = pytest.mark.skipif(
    run_cli("voices", "--json").stdout.find('"engine": "piper"') < 0, reason="needs the neural voice"
)


def cues(vtt_path) -> list[tuple[float, float, str]]:
    text = vtt_path.read_text()
    out = []
    for m in re.finditer(r"(\d+):(\d\d):(\d\d\.\d+) --> (\d+):(\d\d):(\d\d\.\d+)\n(.+?)(?:\n\n|\Z)", text, re.S):
        start = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
        end = int(m[4]) * 3600 + int(m[5]) * 60 + float(m[6])
        out.append((start, end, " ".join(m[7].split())))
    return out


def render_captions(tmp_path, exercise, *extra, engine="pyttsx3") -> list[str]:
    out = tmp_path / f"{exercise}-{engine}.wav"
    r = run_cli("render", exercise, "-o", str(out), "--engine", engine, *extra, timeout=600)
    assert r.returncode == 0, r.stderr
    return [c[2] for c in cues(out.with_suffix(".vtt"))]


@pytest.mark.parametrize("engine", ["pyttsx3", pytest.param("piper", marks=needs_piper)])
def test_your_phrases_are_spoken_and_captioned_until_you_clear_them(home, tmp_path, engine):
    assert run_cli("phrases", "set", *PHRASES).returncode == 0
    course_phrase = "I can be kind to myself right now."
    said = render_captions(tmp_path, "pocket-practice", engine=engine)
    assert PHRASES[0] in said and course_phrase not in said
    assert not any(p in said for p in PHRASES[1:])  # "one kind phrase": your first
    shared = render_captions(tmp_path, "pocket-practice", "--course-words", engine=engine)
    assert course_phrase in shared and not any(p in shared for p in PHRASES)
    r = run_cli("phrases", "clear")
    assert r.returncode == 0
    said = render_captions(tmp_path, "pocket-practice", engine=engine)
    assert not any(p in said for p in PHRASES) and course_phrase in said


def test_a_core_practice_and_a_week_book_speak_your_phrases(home, tmp_path):
    assert run_cli("phrases", "set", *PHRASES).returncode == 0
    said = render_captions(tmp_path, "loving-kindness-for-ourselves")
    assert [s for s in said if s in PHRASES] == PHRASES  # each in order, in place of the course's four
    r = run_cli("config", "set", "my_words", "false")
    assert r.returncode == 0
    assert not any(p in render_captions(tmp_path, "self-compassion-break") for p in PHRASES)


def test_the_letter_is_read_sentence_by_sentence_with_room_after_each(home, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER, encoding="utf-8")
    assert run_cli("letter", "set", "--file", str(letter)).returncode == 0
    out = tmp_path / "hear.wav"
    r = run_cli("render", "hearing-your-letter", "-o", str(out), timeout=600)
    assert r.returncode == 0, r.stderr
    found = cues(out.with_suffix(".vtt"))
    sentences = [
        "Dear friend, I see how hard this week has been.",
        "You kept going anyway.",
        "It makes sense that you feel tired!",
        "Anyone would, after all of that.",
        "Many people carry something like this.",
        "You are not alone in it.",
        "Tonight, one small step is enough.",
        "I am on your side.",
    ]
    texts = [c[2] for c in found]
    first = texts.index(sentences[0])
    assert texts[first : first + len(sentences)] == sentences  # every sentence, in order
    ends_paragraph = {1, 5, 7}
    for i, sentence in enumerate(sentences[:-1]):
        _, end, _ = found[first + i]
        start_next = found[first + i + 1][0]
        expected = min(10.0, 3.0 + 0.1 * len(sentence.split())) + (4.0 if i in ends_paragraph else 0.0)
        assert start_next - end == pytest.approx(expected, abs=0.06), sentence


def test_without_a_letter_the_practice_says_kindly_how_to_write_one(home, tmp_path):
    said = render_captions(tmp_path, "hearing-your-letter")
    assert any("You have not written a letter yet." in s for s in said)
    info = json.loads(run_cli("info", "hearing-your-letter", "--json").stdout)
    assert info["your_letter"] is None and info["week"] == 4


def test_letters_are_kept_with_their_dates_and_shown_on_request(home, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("A first letter. It is short.")
    second.write_text(LETTER)
    assert run_cli("letter", "set", "--file", str(first)).returncode == 0
    assert run_cli("letter", "set", "--file", str(second)).returncode == 0
    listed = run_cli("letter", "list").stdout.splitlines()
    assert len(listed) == 2 and "Tue 24 Nov" in listed[0] and "6 words" in listed[0]
    assert run_cli("letter").stdout.strip() == LETTER  # the latest
    assert run_cli("letter", "show", "1").stdout.strip() == "A first letter. It is short."
    r = run_cli("letter", "clear")  # not a terminal: it asks for --yes rather than guessing
    assert r.returncode == 2 and "--yes" in r.stderr
    r = run_cli("letter", "clear", "--yes")
    assert r.returncode == 0 and "Removed your 2 letters" in r.stdout
    assert run_cli("letter", "list").stdout.startswith("No letters yet")


def test_phrases_can_be_edited_in_your_editor(home, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "# a comment\\nFirst kind line.\\n\\nSecond kind line.\\n" > "$1"\n')
    editor.chmod(0o755)
    r = run_cli("phrases", "edit", env={"EDITOR": str(editor)})
    assert r.returncode == 0, r.stderr
    assert run_cli("phrases").stdout.splitlines() == ["First kind line.", "Second kind line."]


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ([""], "phrase 1 is empty"),
        ([f"Kind line {i}." for i in range(7)], "keep one to six phrases"),
        (["a" * 121], "phrase 1 is 121 characters; a phrase is at most 120"),
        (["A kind\x1b[31m line."], "phrase 1 holds control characters"),
    ],
)
def test_phrases_that_cannot_be_kept_are_refused_without_quoting_them(home, texts, message):
    assert run_cli("phrases", "set", "Keep me.").returncode == 0
    r = run_cli("phrases", "set", *texts)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert not any(t and t in r.stderr for t in texts if len(t) > 3)  # private: never printed back
    assert run_cli("phrases").stdout.strip() == "Keep me."


def test_a_letter_over_the_limit_or_not_utf8_is_refused(home, tmp_path):
    big, latin = tmp_path / "big.txt", tmp_path / "latin.txt"
    big.write_text("Kind words. " * 900)
    latin.write_bytes("Caf\xe9 and kind words.".encode("latin-1"))
    r = run_cli("letter", "set", "--file", str(big))
    assert r.returncode == 2 and "a letter is at most 10,000" in r.stderr
    r = run_cli("letter", "set", "--file", str(latin))
    assert r.returncode == 2 and "is not UTF-8 text" in r.stderr
    assert run_cli("letter", "list").stdout.startswith("No letters yet")


def test_export_carries_your_words_privately_and_import_never_overwrites_yours(home, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    run_cli("phrases", "set", *PHRASES)
    run_cli("letter", "set", "--file", str(letter))
    out = tmp_path / "mine.json"
    assert run_cli("export", str(out)).returncode == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    doc = json.loads(out.read_text())
    assert doc["version"] == 3 and doc["phrases"] == PHRASES and doc["letters"][0]["text"] == LETTER
    shared = tmp_path / "shared.json"
    assert run_cli("export", str(shared), "--no-personal").returncode == 0
    assert "phrases" not in json.loads(shared.read_text()) and LETTER[:20] not in shared.read_text()
    elsewhere = tmp_path / "elsewhere"
    r = run_cli("--data-dir", str(elsewhere), "import", str(out))
    assert r.returncode == 0 and "added 1 letter" in r.stdout and "are now your phrases" in r.stdout
    assert run_cli("--data-dir", str(elsewhere), "phrases").stdout.splitlines() == PHRASES
    run_cli("--data-dir", str(elsewhere), "phrases", "set", "My own line here.")
    r = run_cli("--data-dir", str(elsewhere), "import", str(out))
    assert "yours here were kept" in r.stdout and "added" not in r.stdout.split("\n", 1)[1]
    assert run_cli("--data-dir", str(elsewhere), "phrases").stdout.strip() == "My own line here."


def test_clearing_your_words_takes_their_speech_out_of_the_cache(home, tmp_path, fresh_cache):
    run_cli("phrases", "set", *PHRASES)
    render_captions(tmp_path, "pocket-practice")
    course = set((fresh_cache / "speech").rglob("*.wav"))
    own = set((fresh_cache / "words").rglob("*.wav"))
    assert len(own) == len(PHRASES)  # your own words are kept apart from the course's speech
    assert run_cli("phrases", "clear").returncode == 0
    assert not list((fresh_cache / "words").rglob("*.wav"))
    assert set((fresh_cache / "speech").rglob("*.wav")) == course  # the course's speech stays


def test_info_says_how_many_phrases_without_showing_them(home):
    run_cli("phrases", "set", *PHRASES)
    r = run_cli("info", "loving-kindness-for-ourselves")
    assert "your phrases: 3" in r.stdout and not any(p in r.stdout for p in PHRASES)


def test_changed_words_change_the_audio_so_a_stopped_session_starts_again(home):
    from player.app import context, library, words
    from player.app.session import audio_key

    ctx = context.open_context(home)
    _, script = library.resolve_script(ctx, "pocket-practice")
    before = audio_key(library.plan(ctx, script, synthesize=False), None, None)
    words.set_phrases(ctx, PHRASES)
    after = audio_key(library.plan(ctx, script, synthesize=False), None, None)
    assert before != after


def test_clearing_names_the_backups_that_still_hold_your_words(home):
    import shutil

    run_cli("phrases", "set", *PHRASES)
    backup = home / "progress.db.backup-v6-20261124-120000"
    shutil.copy(home / "progress.db", backup)
    r = run_cli("phrases", "clear")
    assert r.returncode == 0 and str(backup) in r.stdout


@needs_piper
def test_a_new_voice_makes_your_words_again_so_every_length_stays_exact(home, monkeypatch):
    monkeypatch.delenv("COMPASSION_ENGINE")  # the engine is the listener's setting here

    def exact() -> dict[str, bool]:
        r = run_cli("list", "--json")
        assert r.returncode == 0, r.stderr
        found = {e["id"]: e["exact"] for w in json.loads(r.stdout)["weeks"] for e in w["exercises"]}
        return {k: found[k] for k in ("pocket-practice", "hand-where-it-hurts", "loving-kindness-for-ourselves")}

    assert run_cli("config", "set", "voice_engine", "pyttsx3").returncode == 0
    kept = run_cli("phrases", "set", "May I meet this voice kindly.", "May I walk on gently.")
    assert kept.returncode == 0, kept.stderr
    assert all(exact().values())
    changed = run_cli("config", "set", "voice_engine", "piper")
    assert changed.returncode == 0, changed.stderr
    assert all(exact().values())  # made in the new voice at once, not "about" until each is played
