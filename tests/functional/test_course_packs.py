"""A clinician's own course, in their own voice: a pack made by hand goes through check, build, install,
course, list, info, render and record; upgrades keep progress; unsafe zips are refused; removal keeps
history. Real files throughout: real zips, real ffmpeg decoding, a real SQLite file."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from player.core.pack import MIMETYPE
from tests.conftest import REPO, run_cli
from tests.functional.test_recorded_lines import cues

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")

PACK = "org.example.gentle"
LINE = "Welcome. This time is yours."


def ok(*args: str) -> subprocess.CompletedProcess:
    r = run_cli(*args)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    return r


def recording(target: Path, extra: list[str]) -> float:
    """The line, spoken by espeak-ng and saved as a person's recording would be; its decoded length."""
    raw = target.parent / "raw.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), LINE], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(raw), *extra, str(target)], check=True)
    raw.unlink()
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(target), "-f", "s16le", "-ac", "1", "-ar", "22050", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return len(pcm) / 2 / 22050


def make_pack(folder: Path, version: str = "1.0.0", renamed: str = "", first: str = "breathing") -> dict[str, float]:
    """Two weeks, three practices; one line recorded as 44.1 kHz stereo WAV, one as MP3."""
    (folder / "scripts" / "one").mkdir(parents=True)
    (folder / "scripts" / "two").mkdir(parents=True)
    (folder / "media").mkdir()
    lengths = {
        "welcome.wav": recording(folder / "media" / "welcome.wav", ["-ar", "44100", "-ac", "2"]),
        "goodbye.mp3": recording(folder / "media" / "goodbye.mp3", ["-ar", "44100", "-ac", "2", "-b:a", "128k"]),
    }
    (folder / "pack.toml").write_text(
        f'id = "{PACK}"\ntitle = "Gentle Steps"\nversion = "{version}"\nauthors = ["Dr Jo Example"]\n'
        f'language = "en-GB"\nlicense = "For my clients only"\ndescription = "Two weeks between sessions."\n'
        + (f"[renamed]\n{renamed}\n" if renamed else "")
    )
    (folder / "course.toml").write_text(
        'title = "Gentle Steps"\n\n'
        f'[[week]]\nnumber = 1\ntheme = "Settling"\nintention = "A few kind minutes."\ngoal_days = 2\n'
        f'exercises = ["{first}", "kind-hand"]\n\n'
        '[[week]]\nnumber = 2\ntheme = "Warmth"\nintention = "Wishing yourself well."\ngoal_days = 3\n'
        'exercises = ["warm-wish"]\n'
    )
    (folder / "scripts" / "one" / f"{first}.toml").write_text(
        f'title = "Breathing"\nkind = "short"\n\n[[step]]\nsay = "{LINE}"\naudio = "../../media/welcome.wav"\n'
        'pause = 3\n\n[[step]]\nsay = "Notice the breath."\npause = [5, 20]\n\n[[step]]\nbell = "bowl"\n'
    )
    (folder / "scripts" / "one" / "kind-hand.toml").write_text(
        'title = "A Kind Hand"\nkind = "informal"\n\n[[step]]\nsay = "Rest a hand where it feels kind."\npause = 4\n'
    )
    (folder / "scripts" / "two" / "warm-wish.toml").write_text(
        f'title = "A Warm Wish"\nkind = "short"\n\n[[step]]\nsay = "May I be kind to myself."\npause = 5\n\n'
        f'[[step]]\nsay = "{LINE}"\naudio = "../../media/goodbye.mp3"\n'
    )
    return lengths


def test_a_pack_made_by_hand_goes_from_folder_to_a_followed_course(home, tmp_path):
    lengths = make_pack(tmp_path / "gentle")
    r = ok("pack", "check", str(tmp_path / "gentle"))
    assert "Gentle Steps (org.example.gentle 1.0.0), by Dr Jo Example" in r.stdout
    assert "2 weeks, 3 practices, 2 recorded lines" in r.stdout
    r = ok("pack", "build", str(tmp_path / "gentle"))
    built = tmp_path / f"{PACK}-1.0.0.cpack"
    assert f"built {built}" in r.stdout
    with zipfile.ZipFile(built) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert zf.read(first).decode() == MIMETYPE
        assert zf.getinfo("media/welcome.wav").compress_type == zipfile.ZIP_STORED  # audio is stored
    assert not list(tmp_path.glob(".*cpack*"))  # no temporary left beside it
    ok("pack", "install", str(built))
    ok("course", PACK)
    listed = ok("list").stdout
    assert listed.startswith("Gentle Steps") and f"{PACK}/breathing" in listed and "Soothing" not in listed
    info = ok("info", f"{PACK}/breathing").stdout
    assert "from the pack Gentle Steps" in info and "Dr Jo Example" in info and "For my clients only" in info
    assert "recorded lines: 1" in info and "week 1" in info
    out = tmp_path / "out"
    out.mkdir()
    r = ok("render", f"{PACK}/warm-wish", "-o", str(out))
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"{PACK}-warm-wish.vtt", f"{PACK}-warm-wish.wav"]  # the "/" gives way in the name
    shown = cues((out / f"{PACK}-warm-wish.vtt").read_text())
    assert shown[-1][2] == LINE  # the recording's caption is its say
    assert shown[-1][1] - shown[-1][0] == pytest.approx(lengths["goodbye.mp3"], abs=0.1)
    ok("record", f"{PACK}/breathing", "--at", "2026-11-23T08:00+01:00")
    ok("record", f"{PACK}/kind-hand", "--at", "2026-11-24T08:00+01:00")
    stats = json.loads(ok("stats", "--json").stdout)
    assert [w["days_practiced"] for w in stats["weeks"]] == [2, 0] and stats["weeks"][0]["completed"]
    assert stats["current_week"] == 2 and stats["total_sessions"] == 2
    history = ok("history", "--json").stdout
    assert f'"pack:{PACK}/breathing"' in history  # stored with its kind


def test_a_broken_copy_names_every_problem_with_its_file_and_line(home, tmp_path):
    folder = tmp_path / "broken"
    make_pack(folder)
    (folder / "media" / "welcome.wav").unlink()
    script = folder / "scripts" / "two" / "warm-wish.toml"
    script.write_text(script.read_text().replace("pause = 5\n", "pause = 5\nvolume = 2\n"))
    r = run_cli("pack", "check", str(folder))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{folder}/scripts/one/breathing.toml:6: error: the recording " in r.stderr
    assert "welcome.wav is missing" in r.stderr
    assert f"{script}:7: error: unknown key 'volume' in step 1" in r.stderr
    r = run_cli("pack", "build", str(folder))
    assert r.returncode == 2 and not list(tmp_path.glob("*.cpack"))  # nothing built
    # A recording outside the pack, and a practice the course lists without a script.
    make_pack(tmp_path / "other")
    breathing = tmp_path / "other" / "scripts" / "one" / "breathing.toml"
    breathing.write_text(breathing.read_text().replace("../../media/welcome.wav", "../../../gentle.wav"))
    shutil.copy(tmp_path / "other" / "media" / "welcome.wav", tmp_path / "gentle.wav")
    course = tmp_path / "other" / "course.toml"
    course.write_text(course.read_text().replace('"warm-wish"', '"warm-wishes"'))
    r = run_cli("pack", "check", str(tmp_path / "other"))
    assert f"{breathing}:6: error: this sound file is outside the pack" in r.stderr
    assert f"{course}:15: error: no script scripts/warm-wishes.toml" in r.stderr


def test_an_upgrade_keeps_progress_and_follows_a_renamed_practice_and_an_older_version_is_refused(home, tmp_path):
    make_pack(tmp_path / "v1")
    ok("pack", "build", str(tmp_path / "v1"), "-o", str(tmp_path / "v1.cpack"))
    ok("pack", "install", str(tmp_path / "v1.cpack"))
    ok("course", PACK)
    ok("record", f"{PACK}/breathing", "--at", "2026-11-23T08:00+01:00")
    make_pack(tmp_path / "v2", "1.1.0", 'breathing = "slow-breathing"', first="slow-breathing")
    ok("pack", "build", str(tmp_path / "v2"), "-o", str(tmp_path / "v2.cpack"))
    r = ok("pack", "install", str(tmp_path / "v2.cpack"))
    assert "upgraded from 1.0.0" in r.stdout and "1 sessions follow practices renamed" in r.stdout
    rows = json.loads(ok("history", "--json").stdout)
    assert [r["exercise_id"] for r in rows] == [f"pack:{PACK}/slow-breathing"]
    stats = json.loads(ok("stats", "--json", "--today", "2026-11-23").stdout)
    assert stats["weeks"][0]["days_practiced"] == 1 and stats["practice_days"] == 1
    for older in ("v1.cpack", "v2.cpack"):
        r = run_cli("pack", "install", str(tmp_path / older))
        assert r.returncode == 2 and "is installed already" in r.stderr and "--force" in r.stderr
    assert json.loads(ok("pack", "list", "--json").stdout)[0]["version"] == "1.1.0"
    ok("pack", "install", str(tmp_path / "v1.cpack"), "--force")
    assert json.loads(ok("pack", "list", "--json").stdout)[0]["version"] == "1.0.0"
    assert len(json.loads(ok("history", "--json").stdout)) == 1


def evil_zip(path: Path, member: str, data: bytes = b"x", **info) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        zinfo = zipfile.ZipInfo(member)
        for key, value in info.items():
            setattr(zinfo, key, value)
        zf.writestr(zinfo, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_unsafe_zips_are_refused_before_anything_is_written(home, tmp_path):
    packs = home / "packs"
    bad = {
        "a path that leaves the pack": evil_zip(tmp_path / "up.cpack", "../x"),
        "an absolute or Windows path": evil_zip(tmp_path / "abs.cpack", "/etc/x"),
        "a link or device": evil_zip(tmp_path / "link.cpack", "media/l", b"/etc/passwd", external_attr=0o120777 << 16),
        "compressed more than 200 to 1": evil_zip(tmp_path / "bomb.cpack", "media/quiet.raw", bytes(3 * 1024 * 1024)),
    }
    for why, path in bad.items():
        r = run_cli("pack", "install", str(path))
        assert r.returncode == 2 and why in r.stderr and "Traceback" not in r.stderr, (why, r.stderr)
        r = run_cli("pack", "check", str(path))
        assert r.returncode == 2 and why in r.stderr
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as zf:
        zf.writestr("pack.toml", "id = 'x'")
    r = run_cli("pack", "install", str(tmp_path / "plain.zip"))
    assert r.returncode == 2 and "not a course pack" in r.stderr
    assert not packs.exists() or not any(packs.iterdir())
    assert not (tmp_path / "x").exists() and not (home / "x").exists()


def test_removing_a_pack_keeps_its_history_and_its_days(home, tmp_path):
    make_pack(tmp_path / "gentle")
    ok("pack", "install", str(tmp_path / "gentle"))  # a folder installs as well as a file
    ok("course", PACK)
    ok("record", f"{PACK}/breathing", "--at", "2026-11-23T08:00+01:00")
    ok("record", "soothing-touch", "--at", "2026-11-24T08:00+01:00")
    assert json.loads(ok("stats", "--json").stdout)["current_streak"] == 2  # practice from any course counts
    r = ok("pack", "remove", PACK)
    assert "its sessions stay in your history" in r.stdout
    assert ok("course").stdout.startswith("Eight Weeks of Compassionate Mind")  # the built-in again
    assert "breathing" in ok("history").stdout and "(from a removed course)" in ok("history").stdout
    stats = json.loads(ok("stats", "--json").stdout)
    assert stats["current_streak"] == 2 and stats["total_sessions"] == 2
    r = run_cli("pack", "remove", PACK)
    assert r.returncode == 2 and "no pack called" in r.stderr


def test_the_example_pack_in_the_repository_checks_builds_and_installs(home, tmp_path):
    example = REPO / "examples" / "packs" / "gentle-start"
    r = ok("pack", "check", str(example))
    assert "2 weeks, 3 practices, 1 recorded line" in r.stdout
    ok("pack", "build", str(example), "-o", str(tmp_path / "gentle-start.cpack"))
    ok("pack", "install", str(tmp_path / "gentle-start.cpack"))
    ok("course", "org.compassion-player.gentle-start")
    assert ok("list").stdout.startswith("A Gentle Start")


def test_pack_new_makes_a_skeleton_that_passes_check(home, tmp_path):
    r = ok("pack", "new", str(tmp_path / "mine"), "--id", "org.example.mine", "--title", "My Course")
    assert "pack check" in r.stdout
    r = ok("pack", "check", str(tmp_path / "mine"))
    assert "My Course (org.example.mine 1.0.0)" in r.stdout and "1 week, 1 practices, 0 recorded lines" in r.stdout
    r = run_cli("pack", "new", str(tmp_path / "mine"))
    assert r.returncode == 2 and "not empty" in r.stderr


def test_a_pack_rings_its_own_bell_and_plays_its_own_ambience_by_path(home, tmp_path):
    folder = tmp_path / "gentle"
    make_pack(folder)
    # A bell of its own: a short tone, as a maker would record it (stereo, 44.1 kHz).
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=528:duration=2",
                    "-ac", "2", "-ar", "44100", str(folder / "media" / "gong.flac")], check=True)  # fmt: skip
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=color=pink:duration=5:amplitude=0.2",
                    str(folder / "media" / "stream.ogg")], check=True)  # fmt: skip
    kind_hand = folder / "scripts" / "one" / "kind-hand.toml"
    kind_hand.write_text(
        kind_hand.read_text().replace(
            'kind = "informal"\n', 'kind = "informal"\n[background]\nsound = "../../media/stream.ogg"\n'
        )
        + '\n[[step]]\nbell = "../../media/gong.flac"\n'
    )
    ok("pack", "check", str(folder))
    ok("pack", "install", str(folder))
    out = tmp_path / "hand.wav"
    ok("render", f"{PACK}/kind-hand", "-o", str(out))
    import wave

    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert seconds > 2.0 + 4  # the line, its pause, and the whole two-second bell
    # A bell that leaves the pack is refused by check, at its line.
    kind_hand.write_text(kind_hand.read_text().replace("../../media/gong.flac", "../../../gong.flac"))
    shutil.copy(folder / "media" / "gong.flac", tmp_path / "gong.flac")
    r = run_cli("pack", "check", str(folder))
    assert r.returncode == 2 and f"{kind_hand}:" in r.stderr and "outside the pack" in r.stderr


def test_a_change_of_course_keeps_this_weeks_goal_and_pack_ids_travel_in_an_export(home, tmp_path, monkeypatch):
    make_pack(tmp_path / "gentle")
    ok("pack", "install", str(tmp_path / "gentle"))
    ok("record", "soothing-touch", "--at", "2026-11-23T08:00+01:00")  # Monday, built-in week 1: goal 4
    ok("course", PACK)  # on Tuesday 24 November (the app's clock)
    this_week = json.loads(ok("stats", "--json").stdout)
    assert this_week["goal_days"] == 4 and [w["theme"] for w in this_week["weeks"]] == ["Settling", "Warmth"]
    assert json.loads(ok("stats", "--json", "--today", "2026-11-30").stdout)["goal_days"] == 2  # the pack's, next week
    ok("record", f"{PACK}/breathing", "--at", "2026-11-24T08:00+01:00")
    out = tmp_path / "progress.json"
    ok("export", str(out))
    exported = json.loads(out.read_text())
    assert {s["exercise_id"] for s in exported["sessions"]} == {"soothing-touch", f"pack:{PACK}/breathing"}
    monkeypatch.setenv("COMPASSION_DATA_DIR", str(tmp_path / "new-computer"))
    ok("import", str(out))
    rows = json.loads(ok("history", "--json").stdout)
    assert [(r["exercise_id"], r["week"]) for r in rows] == [("soothing-touch", 1), (f"pack:{PACK}/breathing", 1)]
    assert "(from a removed course)" in ok("history").stdout  # the pack is not installed on this computer


def test_a_broken_pack_file_names_its_problems_inside_the_file(home, tmp_path):
    from player.adapters import packs

    folder = tmp_path / "broken"
    make_pack(folder)
    (folder / "media" / "welcome.wav").unlink()
    packs.build(folder, tmp_path / "broken.cpack")  # zipped as it is, unchecked
    r = run_cli("pack", "install", str(tmp_path / "broken.cpack"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{tmp_path / 'broken.cpack'}/scripts/one/breathing.toml:6: error: the recording " in r.stderr
    assert "compassion-pack-" not in r.stderr  # never where it was unpacked
    assert not (home / "packs").exists() or not any((home / "packs").iterdir())
