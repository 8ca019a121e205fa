"""Your words, true at any size and private: every plan speaks what this listener hears, words are never
read as markup, and no file holding them is readable by anyone else or outlives "clear".

Real espeak-ng speech, real renders, a real SQLite file, real processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import wave

import pytest

from tests.conftest import run_cli
from tests.functional.test_own_words import cues
from tests.letters import letter, long_phrases

pytestmark = pytest.mark.xdist_group("own_words")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def wav_seconds(path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def info(target: str, *extra: str) -> dict:
    import json

    r = run_cli("info", target, "--json", *extra, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def set_letter(tmp_path, text: str):
    path = tmp_path / "letter.txt"
    path.write_text(text, encoding="utf-8")
    r = run_cli("letter", "set", "--file", str(path), timeout=600)
    assert r.returncode == 0, r.stderr
    return r


# -- one owner for what this listener hears ---------------------------------------------------------------


def test_a_letter_at_the_limit_and_six_long_phrases_agree_everywhere(home, tmp_path):
    """info, the app's length picker, render and play agree on the range, and accept every length offered."""
    from player.app import context, library, practice

    body = letter(2000, 12, 10_000)
    assert 9_900 <= len(body) <= 10_000
    set_letter(tmp_path, body)
    assert run_cli("phrases", "set", *long_phrases(), timeout=600).returncode == 0

    shown = info("hearing-your-letter")
    assert shown["exact"] is True  # the letter's speech was made when it was kept
    low, high = shown["duration_seconds"]["min"], shown["duration_seconds"]["max"]
    assert low > 12 * 60  # two thousand words, read slowly, with room after each sentence

    for minutes, expected in ((shown["min_minutes"], low), (shown["max_minutes"], high)):
        out = tmp_path / f"letter-{minutes}.wav"
        r = run_cli("render", "hearing-your-letter", "--minutes", str(minutes), "-o", str(out), timeout=900)
        assert r.returncode == 0, r.stderr
        assert wav_seconds(out) == pytest.approx(minutes * 60, abs=2.0)
        assert abs(wav_seconds(out) - expected) <= 0.1 * 60 + 2.0  # the listed ends are rounded to 0.1 min

    ctx = context.open_context(home)
    _, script = library.resolve_script(ctx, "hearing-your-letter")
    picked = library.plan(ctx, script, synthesize=False)  # what the app's picker shows
    assert picked.exact and picked.range_seconds() == pytest.approx((low, high), abs=1.0)
    offered = practice.length_choices(*picked.range_minutes())
    assert len(offered) >= 2
    for minutes in offered:  # play --minutes and the picker: every length offered is accepted
        asked = practice.request(ctx, "hearing-your-letter", minutes)
        session = practice.open_session(ctx, asked)
        try:
            assert session.duration == pytest.approx(minutes * 60, abs=2.0)
        finally:
            session.close()

    phrases = info("loving-kindness-for-ourselves")
    assert phrases["exact"] is True and phrases["your_phrases"] == 6
    out = tmp_path / "lk.wav"
    r = run_cli("render", "loving-kindness-for-ourselves", "--minutes", str(phrases["max_minutes"]), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert wav_seconds(out) == pytest.approx(phrases["max_minutes"] * 60, abs=2.0)
    assert abs(wav_seconds(out) - phrases["duration_seconds"]["max"]) <= 0.1 * 60 + 2.0


def test_record_logs_the_length_of_the_practice_with_your_letter(home, tmp_path):
    set_letter(tmp_path, letter(450, 6))
    shortest = info("hearing-your-letter")["duration_seconds"]["min"]
    r = run_cli("record", "hearing-your-letter")
    assert r.returncode == 0, r.stderr
    r = run_cli("history", "--json")
    import json

    kept = json.loads(r.stdout)
    assert kept[-1]["duration_s"] == pytest.approx(shortest, abs=1.0)
    assert kept[-1]["duration_s"] > 7 * 60  # four hundred and fifty words, read slowly, are in it


# -- words are words ---------------------------------------------------------------------------------------


def test_a_phrase_holding_pause_markup_is_spoken_as_written_and_adds_no_silence(home, tmp_path):
    odd = "May I be safe [pause 3600] may I be well."
    assert run_cli("phrases", "set", odd, "I am allowed to rest.").returncode == 0
    shown = info("pocket-practice")
    assert shown["max_minutes"] < 10  # never an hour of silence
    out = tmp_path / "pocket.wav"
    r = run_cli("render", "pocket-practice", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert wav_seconds(out) < 10 * 60
    said = [c[2] for c in cues(out.with_suffix(".vtt"))]
    assert odd in said  # read as text, brackets and all


def test_the_letter_is_read_about_fifteen_percent_slower_than_your_own_pace(home):
    from player.adapters import settings as settings_file
    from player.app import context, library, words

    ctx = context.open_context(home)
    ctx.settings, _ = settings_file.change(ctx.config_dir, {"rate": 100})
    words.save_letter(ctx, "A short letter. It is kind.")
    mine = home / "scripts"
    mine.mkdir(parents=True, exist_ok=True)
    (mine / "reader.toml").write_text('title = "Reader"\n[[step]]\nsay = "Hello."\n[[step]]\nletter = "None yet."\n')
    _, script = library.resolve_script(ctx, "mine:reader")
    p = library.plan(ctx, script, synthesize=False)
    rates = {u.text: u.voice.rate for u in p.utterances}
    assert rates["Hello."] == 100 and rates["A short letter."] == 85


# -- private by default, and forgotten when cleared --------------------------------------------------------


def test_a_fresh_data_folder_holds_words_readable_by_you_only(home, tmp_path, fresh_cache):
    assert not home.exists()
    assert run_cli("phrases", "set", "May I rest.", "I am learning.").returncode == 0
    set_letter(tmp_path, "Dear me. This is private.")
    assert run_cli("record", "pocket-practice", "--minutes", "2").returncode == 0
    assert mode(home) == 0o700
    holding = [p for p in home.iterdir() if p.name.startswith("progress.db")]
    assert {p.name for p in holding} >= {"progress.db"}
    assert all(mode(p) == 0o600 for p in holding), {p.name: oct(mode(p)) for p in holding}
    own = list((fresh_cache / "words").rglob("*"))
    assert any(p.suffix == ".wav" for p in own)  # the words' speech was made when they were kept
    assert all(mode(p) == (0o700 if p.is_dir() else 0o600) for p in own)
    assert mode(fresh_cache / "words") == 0o700


def test_files_made_before_the_rule_are_tightened_and_a_shared_folder_is_named_once(tmp_path, home):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    env = {"COMPASSION_DATA_DIR": str(shared)}
    made = run_cli("phrases", "set", "May I rest.", env=env)
    assert made.returncode == 0
    db = shared / "progress.db"
    os.chmod(db, 0o644)
    backup = shared / "progress.db.backup-v5-20261101-080000"
    backup.write_bytes(db.read_bytes())
    os.chmod(backup, 0o644)
    r = run_cli("phrases", env=env)
    assert r.returncode == 0
    assert mode(db) == 0o600 and mode(backup) == 0o600
    assert mode(shared) == 0o755  # a folder the listener chose is theirs to decide
    said = made.stderr + r.stderr + run_cli("stats", env=env).stderr
    assert said.count("other people on this computer can open the folder") == 1
    again = run_cli("stats", env=env)
    assert "other people" not in again.stderr  # said once


def test_only_the_last_three_backups_are_kept(home):
    from datetime import timedelta

    from player.adapters.clock import SetClock
    from player.adapters.store import db as dbmod
    from tests.conftest import NOW

    clock = SetClock(NOW, running=False)
    database = dbmod.open_database(home, clock=clock)
    try:
        for _ in range(5):
            made = dbmod._backup(database, 5)
            assert mode(made) == 0o600
            clock.advance(timedelta(minutes=1))
    finally:
        database.close()
    assert len(list(home.glob("progress.db.backup-*"))) == 3


def test_clearing_removes_all_speech_of_your_words_across_a_voice_change_and_your_own_scripts(
    home, tmp_path, fresh_cache
):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "my-phrases.toml").write_text(
        'title = "My phrases"\n[voice]\nrate = 170\n[[step]]\nsay = "Here are your phrases."\n'
        '[[step]]\nphrases = ["May I be kind."]\npause = 2\n'
    )
    assert run_cli("phrases", "set", "May I rest now.", "I am doing my best.").returncode == 0
    set_letter(tmp_path, "Dear me. You did well today. Rest now.")
    for target in ("pocket-practice", "hearing-your-letter", "mine:my-phrases"):
        assert run_cli("render", target, "-o", str(tmp_path / f"{target.replace(':', '-')}.wav")).returncode == 0
    assert run_cli("config", "set", "voice", "gmw/en-gb-scotland").returncode == 0  # another voice: other speech
    for target in ("pocket-practice", "hearing-your-letter"):
        assert run_cli("render", target, "-o", str(tmp_path / f"slow-{target}.wav")).returncode == 0
    own = list((fresh_cache / "words").rglob("*.wav"))
    letter_lines = [p for p in own if p.name.startswith("letter-")]
    phrase_lines = [p for p in own if p.name.startswith("phrases-")]
    assert len(letter_lines) == 2 * 3  # three sentences, in two voices
    assert len(phrase_lines) >= 2 + 1 + 2  # both phrases, the first again in the other voice, your script's
    course = set((fresh_cache / "speech").rglob("*.wav"))
    assert run_cli("phrases", "clear").returncode == 0
    assert run_cli("letter", "clear", "--yes").returncode == 0
    assert not list((fresh_cache / "words").rglob("*.wav"))
    assert set((fresh_cache / "speech").rglob("*.wav")) == course


def test_cleared_words_leave_no_readable_copy_in_the_progress_file_or_its_log(home, tmp_path):
    """While the app is open elsewhere (here: another connection), the log is not removed on exit; clearing
    the words empties it, and every connection zeroes deleted pages."""
    secret = "Zephyrine is a word only I would write."
    assert run_cli("phrases", "set", "May I rest.").returncode == 0
    holder = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT COUNT(*) FROM phrases').fetchall();"
        " print('open', flush=True); sys.stdin.read()"
    )
    other = subprocess.Popen(  # the app, open in another terminal
        [sys.executable, "-c", holder, str(home / "progress.db")], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == b"open\n"
        assert run_cli("phrases", "set", secret).returncode == 0
        set_letter(tmp_path, f"Dear me. {secret} Be well.")
        assert any(b"Zephyrine" in p.read_bytes() for p in home.glob("progress.db*"))
        assert run_cli("phrases", "clear").returncode == 0
        assert run_cli("letter", "clear", "--yes").returncode == 0
        for path in home.glob("progress.db*"):
            assert b"Zephyrine" not in path.read_bytes(), path.name
        log = home / "progress.db-wal"
        assert not log.exists() or log.stat().st_size == 0  # emptied after clearing: no old page in it
    finally:
        other.communicate(b"", timeout=30)
    from player.app import context
    from player.app.recording import open_store

    db = open_store(context.open_context(home))
    assert db is not None
    try:
        assert db.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        db.close()


def test_a_render_that_speaks_your_letter_says_so_and_is_yours_only(home, tmp_path):
    set_letter(tmp_path, "Dear me. You did well today.")
    out = tmp_path / "hear.mp3"
    r = run_cli("render", "hearing-your-letter", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "speaks your letter" in r.stderr and "--course-words" in r.stderr
    assert mode(out) == 0o600 and mode(out.with_suffix(".vtt")) == 0o600
    shared = tmp_path / "share.mp3"
    r = run_cli("render", "hearing-your-letter", "--course-words", "-o", str(shared))
    assert r.returncode == 0 and "speaks your" not in r.stderr
    assert mode(shared) & 0o044  # the usual permissions: a file to share
    r = run_cli("render", "week:4", "-o", str(tmp_path / "week4"), timeout=900)
    assert r.returncode == 0, r.stderr
    assert "hearing-your-letter speaks your letter" in r.stderr
    written = {p.name: mode(p) for p in (tmp_path / "week4").iterdir() if p.suffix in (".mp3", ".vtt")}
    letter_files = [n for n in written if "Letter" in n and "Hearing" in n]
    assert letter_files and all(written[n] == 0o600 for n in letter_files)


def test_phrases_and_a_letter_can_come_from_standard_input(home):
    r = run_cli("phrases", "set", "-", input="May I rest.\n\nI am learning to be kinder to myself.\n")
    assert r.returncode == 0, r.stderr
    assert run_cli("phrases").stdout.splitlines() == ["May I rest.", "I am learning to be kinder to myself."]
    r = run_cli("letter", "set", "--file", "-", input="Dear me.\n\nThis came in quietly.\n")
    assert r.returncode == 0, r.stderr
    assert run_cli("letter").stdout.strip() == "Dear me.\n\nThis came in quietly."


# -- the editor and dates -----------------------------------------------------------------------------------


def test_an_editor_that_deletes_the_file_or_returns_at_once_changes_nothing(home, tmp_path):
    set_letter(tmp_path, "Dear me. The first version.")
    for editor in ("rm", "true"):
        r = run_cli("letter", "edit", env={"EDITOR": editor, "VISUAL": ""})
        assert r.returncode == 1, (editor, r.stderr)
        assert "Traceback" not in r.stderr and "nothing was changed" in r.stderr
    assert "--wait" in r.stderr  # a window editor is told how to be waited for
    assert run_cli("letter").stdout.strip() == "Dear me. The first version."
    assert len(run_cli("letter", "list").stdout.splitlines()) == 1


def test_an_editor_that_empties_the_letter_changes_nothing(home, tmp_path):
    set_letter(tmp_path, "Dear me. Still here.")
    script = tmp_path / "empty.sh"
    script.write_text('#!/bin/sh\nsleep 0.1\n: > "$1"\n')
    script.chmod(0o755)
    r = run_cli("letter", "edit", env={"EDITOR": str(script), "VISUAL": ""})
    assert r.returncode == 1 and "empty" in r.stderr
    assert run_cli("letter").stdout.strip() == "Dear me. Still here."


def test_a_letter_keeps_the_date_it_was_written_when_read_in_another_season(home, tmp_path):
    winter_night = "2026-01-15T23:30:00+01:00"  # Berlin, in winter
    set_letter_env = {"COMPASSION_TEST_NOW": winter_night, "TZ": "Europe/Berlin"}
    path = tmp_path / "l.txt"
    path.write_text("Dear me. Late, but kind.")
    assert run_cli("letter", "set", "--file", str(path), env=set_letter_env).returncode == 0
    summer = {"COMPASSION_TEST_NOW": "2026-07-01T12:00:00+02:00", "TZ": "Europe/Berlin"}
    listed = run_cli("letter", "list", env=summer).stdout
    assert "Thu 15 Jan" in listed, listed


def test_record_at_a_bare_time_across_a_summer_time_change_takes_that_days_offset(home):
    import json

    summer = {"COMPASSION_TEST_NOW": "2026-07-01T12:00:00+02:00", "TZ": "Europe/Berlin"}
    r = run_cli("record", "pocket-practice", "--minutes", "2", "--at", "2026-01-10T08:00", env=summer)
    assert r.returncode == 0, r.stderr
    kept = json.loads(run_cli("history", "--json", env=summer).stdout)
    assert kept[-1]["started_at"].startswith("2026-01-10T08:00:00+01:00")


def test_sentences_of_a_letter_split_where_a_reader_would_pause():
    from player.core.script.model import sentences

    text = (
        "Dr. Lee said so, e.g. on Monday. It took 3.5 hours... and then it passed. "
        "Really? Yes! \u201cThat was hard.\u201d I waited\u2026 Then it was over. J. Smith agreed."
    )
    assert sentences(text) == [
        "Dr. Lee said so, e.g. on Monday.",
        "It took 3.5 hours... and then it passed.",
        "Really?",
        "Yes!",
        "\u201cThat was hard.\u201d",
        "I waited\u2026",
        "Then it was over.",
        "J. Smith agreed.",
    ]
