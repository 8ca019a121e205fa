"""Bad input gets one clear `PATH:LINE: error:` message per problem, exit status 2, and no output file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from player.cli import main
from tests.conftest import EXAMPLE, interrupt_render, run_cli

OK_STEP = '[[step]]\nsay = "Hello."\n'

# (name, script text, line of the error, words the message must contain)
CASES = [
    (
        "misspelled key",
        'title = "T"\n[[step]]\nsay = "Hi."\npasue = 4\n',
        4,
        "unknown key 'pasue' in step 1 (did you mean 'pause'?)",
    ),
    ("no title", OK_STEP, 1, "no title"),
    ("empty title", 'title = "  "\n' + OK_STEP, 1, "title must be non-empty"),
    ("no steps", 'title = "T"\n', 1, "no steps"),
    ("empty say", 'title = "T"\n[[step]]\nsay = ""\n', 3, "say in step 1 is empty"),
    ("only pause markers", 'title = "T"\n[[step]]\nsay = "[pause 2]"\n', 3, "is empty"),
    ("negative pause", 'title = "T"\n' + OK_STEP + "pause = -2\n", 4, "0 or more"),
    ("nan pause", 'title = "T"\n' + OK_STEP + "pause = nan\n", 4, "0 or more"),
    ("text pause", 'title = "T"\n' + OK_STEP + 'pause = "five"\n', 4, "must be seconds"),
    ("elastic reversed", 'title = "T"\n' + OK_STEP + "pause = [60, 10]\n", 4, "MIN <= MAX"),
    ("elastic three numbers", 'title = "T"\n' + OK_STEP + "pause = [1, 2, 3]\n", 4, "two numbers"),
    ("say and bell together", 'title = "T"\n[[step]]\nsay = "Hi."\nbell = "bowl"\n', 2, "both say and bell"),
    ("unknown bell", 'title = "T"\n[[step]]\nbell = "gong"\n', 3, "no bell called 'gong'"),
    ("bell path escape", 'title = "T"\n[[step]]\nbell = "../../etc/passwd"\n', 3, "must name a sound"),
    ("repeat zero", 'title = "T"\n[[step]]\nrepeat = 0\nsteps = [ { say = "In." } ]\n', 3, "from 1 to 1000"),
    ("repeat huge", 'title = "T"\n[[step]]\nrepeat = 100000\nsteps = [ { say = "In." } ]\n', 3, "from 1 to 1000"),
    ("repeat without steps", 'title = "T"\n[[step]]\nrepeat = 3\n', 2, "has repeat but no steps"),
    (
        "inner step typo",
        'title = "T"\n[[step]]\nrepeat = 2\nsteps = [\n  { say = "In." },\n  { sya = "Out." },\n]\n',
        6,
        "unknown key 'sya' in step 1, inner step 2 (did you mean 'say'?)",
    ),
    (
        "repeat explosion",
        'title = "T"\n[[step]]\nrepeat = 1000\nsteps = [ { repeat = 1000, steps = [ { say = "x" } ] } ]\n',
        3,
        "repeats too much",
    ),
    ("rate too fast", 'title = "T"\n[voice]\nrate = 900\n' + OK_STEP, 3, "words per minute from 80 to 300"),
    ("volume too loud", 'title = "T"\n[voice]\nvolume = 2\n' + OK_STEP, 3, "from 0 to 1"),
    ("unknown voice key", 'title = "T"\n[voice]\nspeed = 1\n' + OK_STEP, 3, "unknown key 'speed' in [voice]"),
    ("bad kind", 'title = "T"\nkind = "long"\n' + OK_STEP, 2, "kind must be one of"),
    ("unknown top key", 'title = "T"\nauthor = "me"\n' + OK_STEP, 2, "unknown key 'author' at the top"),
    (
        "stray bracket",
        'title = "T"\n[[step]]\nsay = "Breathe (slowly) [pasue 2] now."\n',
        3,
        "only marker allowed is [pause N]",
    ),
    ("toml syntax", 'title = "T"\n[[step]]\nsay = "unclosed\n', 3, "TOML syntax"),
    ("bool pause", 'title = "T"\n' + OK_STEP + "pause = true\n", 4, "must be seconds"),
    ("step is empty", 'title = "T"\n[[step]]\n[[step]]\nsay = "x"\n', 2, "step 1 is empty"),
    (
        "pause on a repeat",
        'title = "T"\n[[step]]\nrepeat = 2\npause = 3\nsteps = [ { say = "x" } ]\n',
        4,
        "cannot have its own pause",
    ),
]


@pytest.mark.parametrize("name,text,line,words", CASES, ids=[c[0] for c in CASES])
def test_each_malformed_script_gets_its_own_clear_error(home, tmp_path, capsys, monkeypatch, name, text, line, words):
    script = tmp_path / "bad.toml"
    script.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["render", str(script), "-o", str(tmp_path / "out.wav")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{script}:{line}: error: " in err, err
    assert words in err, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "data"] or sorted(
        p.name for p in tmp_path.iterdir()
    ) == ["bad.toml"]


def test_validate_lists_every_error_and_exits_2(home, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[voice]\nrat = 1\n[[step]]\nsay = ""\n[[step]]\npasue = 3\n', encoding="utf-8")
    r = run_cli("validate", str(EXAMPLE), str(bad))
    assert r.returncode == 2
    assert r.stdout.strip() == f"{EXAMPLE}: ok"
    errors = r.stderr.strip().splitlines()
    assert errors == [
        f'{bad}:1: error: the script has no title; add a line like: title = "Soothing breath"',
        f"{bad}:2: error: unknown key 'rat' in [voice] (did you mean 'rate'?)",
        f"{bad}:4: error: say in step 1 is empty; write the words to speak, or use pause = N for silence",
        f"{bad}:6: error: unknown key 'pasue' in step 2 (did you mean 'pause'?)",
    ]


@pytest.mark.parametrize(
    "data,line",
    [
        (b'title = "T"\n\xff\xfe bad bytes\n', 2),
        ('\ufefftitle = "T"\r\n[[step]]\r\nsay = ""\r\n'.encode(), 3),
    ],
)
def test_encodings_and_line_endings(home, tmp_path, capsys, data, line):
    script = tmp_path / "enc.toml"
    script.write_bytes(data)
    assert main(["validate", str(script)]) == 2
    assert f"{script}:{line}: error:" in capsys.readouterr().err


def test_missing_file_and_unknown_exercise(home, tmp_path, capsys):
    assert main(["render", str(tmp_path / "nope.toml")]) == 2
    assert f"{tmp_path / 'nope.toml'}:1: error: file not found" in capsys.readouterr().err
    assert main(["info", "soothing-braeth"]) == 2
    assert "no exercise 'soothing-braeth'" in capsys.readouterr().err


def test_bad_arguments_exit_2_without_traceback(home):
    for args in (
        ["render"],
        ["render", str(EXAMPLE), "--minutes", "abc"],
        ["render", str(EXAMPLE), "--format", "aiff"],
        ["frobnicate"],
    ):
        r = run_cli(*args)
        assert r.returncode == 2, args
        assert "error:" in r.stderr and "Traceback" not in r.stderr


def test_interrupted_render_leaves_no_partial_file(home, tmp_path, blocking_ffmpeg):
    # Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while the file is being encoded
    # leaves neither the file nor a temporary.
    env, ready = blocking_ffmpeg
    script = tmp_path / "long.toml"
    script.write_text(
        'title = "Long"\n[[step]]\nsay = "Rest."\npause = 3000\n[[step]]\nsay = "End."\n', encoding="utf-8"
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, err = interrupt_render(["render", str(script), "-o", str(out_dir / "long.flac")], env, ready, out_dir)
    assert code == 130, err
    assert "stopped" in err and "Traceback" not in err
    assert list(out_dir.iterdir()) == []


def test_file_size_limit_gives_clear_message_and_no_partial_file(home, tmp_path):
    import resource

    out = tmp_path / "big.wav"
    assert run_cli("render", str(EXAMPLE), "-o", str(tmp_path / "warm.wav")).returncode == 0
    (tmp_path / "warm.wav").unlink()
    (tmp_path / "warm.vtt").unlink()

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    r = subprocess.run(
        [sys.executable, "-m", "player", "render", str(EXAMPLE), "-o", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
    )
    assert r.returncode == 1
    assert "disk is full" in r.stderr and str(out) in r.stderr
    assert "Traceback" not in r.stderr
    assert list(tmp_path.glob("*big*")) == []


def _hide(path: str) -> list[str]:
    """A command prefix that runs in a private mount namespace where `path` is an empty file."""
    return ["unshare", "--mount", "sh", "-c", f'mount --bind /dev/null {path} && exec "$0" "$@"']


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    r = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs mount namespaces (root) to hide a system program")
def test_missing_espeak_says_how_to_install_it(fresh_cache, tmp_path):
    import ctypes.util

    lib = subprocess.run(
        ["sh", "-c", "ldconfig -p | grep -m1 'libespeak-ng.so.1 ' | sed 's/.*=> //'"], capture_output=True, text=True
    ).stdout.strip()
    assert lib, ctypes.util.find_library("espeak-ng")
    r = subprocess.run(
        _hide(lib) + [sys.executable, "-m", "player", "render", str(EXAMPLE), "-o", str(tmp_path / "x.wav")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2, r.stderr
    assert "espeak-ng is not installed" in r.stderr and "apt-get install espeak-ng" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.skipif(not _can_unshare(), reason="needs mount namespaces (root) to hide a system program")
def test_missing_ffmpeg_wav_still_works_mp3_explains(home, tmp_path):
    ffmpeg = shutil.which("ffmpeg")
    base = _hide(ffmpeg) + [sys.executable, "-m", "player", "render", str(EXAMPLE), "-o"]
    r = subprocess.run(base + [str(tmp_path / "x.mp3")], capture_output=True, text=True)
    assert r.returncode == 2
    assert "ffmpeg is needed to write mp3 files" in r.stderr and "--format wav" in r.stderr
    assert not (tmp_path / "x.mp3").exists()
    r = subprocess.run(base + [str(tmp_path / "x.wav")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert Path(tmp_path / "x.wav").stat().st_size > 100_000


def test_a_mistyped_command_or_option_gets_a_did_you_mean():
    from tests.conftest import run_cli

    r = run_cli("lsit")
    assert r.returncode == 2 and "did you mean 'list'?" in r.stderr
    r = run_cli("play", "pocket-practice", "--minuts", "3")
    assert r.returncode == 2 and "did you mean --minutes?" in r.stderr
    r = run_cli("export", "-o", "x.json")  # an option of other commands: no "did you mean -o?"
    assert r.returncode == 2 and "did you mean" not in r.stderr and "compassion export --help" in r.stderr
