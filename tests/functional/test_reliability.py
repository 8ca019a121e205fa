"""Reliability: odd and hostile input, crashes mid-write, a full disk, missing pieces, unsafe names."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player.adapters.files import safe_name
from player.cli import main
from tests import audiocheck as ac
from tests.conftest import EXAMPLE, run_cli, wait_for_file

LOCATED = re.compile(r"^(?P<path>.+):(?P<line>\d+): error: .+")

# -- parser fuzzing ----------------------------------------------------------------------------------

keys = st.sampled_from(
    [
        "title",
        "summary",
        "kind",
        "say",
        "bell",
        "pause",
        "repeat",
        "steps",
        "voice",
        "rate",
        "volume",
        "engine",
        "background",
        "sound",
        "pasue",
        "x",
        "step",
    ]
)
scalars = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "-0.0", "0", "1e308", "true", "false", "1979-05-27T07:32:00Z"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=40).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'),
    st.sampled_from(['"[pause 2]"', '"[pause x] hi"', '"bowl"', '"../../etc/passwd"', '""', '"  "']),
)


def values(depth: int = 3):
    if depth <= 0:
        return scalars
    inner = values(depth - 1)
    return st.one_of(
        scalars,
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(keys, inner, max_size=3).map(
            lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"
        ),
    )


lines = st.one_of(
    st.tuples(keys, values()).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.sampled_from(
        [
            "[[step]]",
            "[voice]",
            "[background]",
            "[[step.steps]]",
            "[step",
            "= 3",
            "title = ",
            "# comment",
            "",
            "\t",
            "\ufeff",
            'title = "T"',
            'say = "Hello."',
        ]
    ),
)
documents = st.lists(lines, max_size=14).map("\n".join)
line_endings = st.sampled_from(["\n", "\r\n"])


def _check_bad_or_ok(tmp_path: Path, data: bytes, capsys) -> None:
    script = tmp_path / "fuzz.toml"
    script.write_bytes(data)
    out = tmp_path / "out.wav"
    code = main(["validate", str(script)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if code == 0:
        assert captured.out.strip() == f"{script}: ok"
        return
    assert code == 2
    errors = captured.err.strip().splitlines()
    assert errors and all(LOCATED.match(e) and e.startswith(f"{script}:") for e in errors), errors
    assert not out.exists()


@settings(
    max_examples=700, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(documents, line_endings, st.booleans())
def test_generated_documents_never_crash(home, tmp_path, capsys, doc, eol, bom):
    data = doc.replace("\n", eol).encode("utf-8")
    _check_bad_or_ok(tmp_path, (b"\xef\xbb\xbf" if bom else b"") + data, capsys)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(home, tmp_path, capsys, blob):
    _check_bad_or_ok(tmp_path, blob, capsys)


@pytest.mark.parametrize(
    "doc",
    [
        'title = "T"\n[[step]]\nsay = "' + "a" * 1_000_000 + '"\n',
        'title = "' + "x" * 1_000_000 + '"\n[[step]]\nsay = "hi"\n',
        "x = " + "[" * 5000 + "]" * 5000 + "\n",
        'title = "T"\n[[step]]\nrepeat = 1000\nsteps = [' + ", ".join(['{ say = "a", pause = 1 }'] * 30) + "]\n",
        'title = "T"\n[[step]]\nsay = "hi"\npause = 1e308\n',
        'title = "T"\n[[step]]\nsay = "hi"\npause = [0, 0]\n[[step]]\npause = 0\n',
    ],
)
def test_extreme_documents_get_located_errors(home, tmp_path, capsys, doc):
    _check_bad_or_ok(tmp_path, doc.encode(), capsys)


def test_a_failing_render_writes_nothing(home, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "T"\n[[step]]\nsay = "hi"\npause = -1\n')
    out = tmp_path / "o.mp3"
    assert main(["render", str(bad), "-o", str(out)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["bad.toml"]


# -- crashes ---------------------------------------------------------------------------------------------


def _duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out)


def test_sigkill_during_render_leaves_no_partial_file_and_the_next_render_cleans_up(home, tmp_path, blocking_ffmpeg):
    env, ready = blocking_ffmpeg
    long = tmp_path / "long.toml"
    long.write_text('title = "Long"\n[[step]]\nsay = "Rest here."\npause = 3000\n[[step]]\nsay = "Done."\n')
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "long.flac"
    stale: list[str] = []
    for _ in range(2):
        ready.unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "player", "render", str(long), "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        wait_for_file(ready, proc)  # the encoder has the temporary file open: the render is mid-write
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert not out.exists()
        # kill -9 leaves the temporary; the next render sweeps the one the last kill left
        parts = [p.name for p in out_dir.glob(".long.flac.*.part")]
        assert len(parts) == 1 and parts[0] not in stale, (parts, stale)
        stale.append(parts[0])
    r = run_cli("render", str(long), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["long.flac", "long.vtt"]  # stale temporaries swept
    assert _duration(out) > 3000


# -- a full disk -------------------------------------------------------------------------------------------


def _tiny_disk(folder: Path, size: str, *cmd: str) -> subprocess.CompletedProcess:
    """Run a command with `folder` on a private tmpfs of `size` (root, in a mount namespace)."""
    script = f'mount -t tmpfs -o size={size} tmpfs "{folder}" && exec "$0" "$@"'
    return subprocess.run(["unshare", "--mount", "sh", "-c", script, *cmd], capture_output=True, text=True)


needs_mounts = pytest.mark.skipif(
    os.geteuid() != 0 or subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0,
    reason="needs root and mount namespaces for a small disk",
)


@needs_mounts
def test_disk_full_during_render_is_clear_leaves_nothing_and_does_not_poison_the_cache(fresh_cache, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    r = _tiny_disk(disk, "200k", sys.executable, "-m", "player", "render", str(EXAMPLE), "-o", str(disk / "x.wav"))
    assert r.returncode == 1, r.stderr
    assert "disk is full" in r.stderr and "Traceback" not in r.stderr
    # the cache itself filling up is also just a message
    cache_disk = tmp_path / "cache-disk"
    cache_disk.mkdir()
    env = dict(os.environ, COMPASSION_CACHE_DIR=str(cache_disk))
    r = subprocess.run(
        [
            "unshare",
            "--mount",
            "sh",
            "-c",
            f'mount -t tmpfs -o size=40k tmpfs "{cache_disk}" && exec "$0" "$@"',
            sys.executable,
            "-m",
            "player",
            "render",
            str(EXAMPLE),
            "-o",
            str(tmp_path / "y.wav"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 1 and "disk is full" in r.stderr and not (tmp_path / "y.wav").exists()
    # nothing poisoned: the same render on a roomy disk is complete and correct
    good = tmp_path / "good.wav"
    assert run_cli("render", str(EXAMPLE), "-o", str(good)).returncode == 0
    samples, rate = ac.read_wav(good)
    assert ac.first_sound(samples, rate) <= 0.5
    assert 140 < len(samples) / rate < 160


# -- path safety -----------------------------------------------------------------------------------------------


RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "a/b/c",
        "..",
        "\x1b[2Jclear",
        "x" * 300,
        "CON",
        "con.txt",
        "NUL.",
        "Lpt1",
        ".hidden",
        'Why? "Kind" <words>: a|b*c',
        "Ends with dots...",
        "Ends with space ",
        "back\\slash",
        "tab\there",
        "COM3 ",
    ],
)
def test_odd_titles_and_ids_give_safe_file_names(name):
    # Safe everywhere, phones' FAT/exFAT storage included.
    out = safe_name(name)
    assert 0 < len(out) <= 80
    assert not set(out) & set('/\\:*?"<>|'), out
    assert all(ord(c) >= 32 and c != "\x7f" for c in out), out
    assert ".." not in out and not out.startswith(".") and not out.endswith((".", " ")), out
    assert out.split(".")[0].strip().upper() not in RESERVED, out
    assert safe_name(out) == out  # stable: already safe names are left alone


def test_ordinary_titles_keep_their_words():
    assert safe_name("03 - Loving-Kindness for a Loved One") == "03 - Loving-Kindness for a Loved One"
    assert safe_name("Week 5 - The inner critic") == "Week 5 - The inner critic"
    assert safe_name("Fears: Blocks and Resistances?") == "Fears- Blocks and Resistances"


def test_default_output_name_from_an_odd_file_name_stays_in_the_folder(home, tmp_path):
    odd = tmp_path / "..weird name;rm -rf ~.toml"
    odd.write_text('title = "../../escape"\n[[step]]\nsay = "Hello."\n')
    work = tmp_path / "work"
    work.mkdir()
    r = run_cli("render", str(odd), cwd=work)
    assert r.returncode == 0, r.stderr
    written = list(work.iterdir())
    assert len(written) == 2 and all(p.parent == work for p in written)
    assert not any(p.name.startswith(".") for p in written)


def test_bell_names_cannot_reach_outside_the_sound_folders(home, tmp_path):
    import wave

    outside = tmp_path / "secret.wav"
    with wave.open(str(outside), "wb") as w:  # a perfectly good sound: only where it lives is wrong
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x10\x20" * 22050)
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "link.wav").symlink_to(outside)
    expected = {
        "../secret": "must name a sound",
        "/etc/passwd": "must name a sound",
        "link": "the bell 'link' points outside the sound folders",
    }
    for bell, message in expected.items():
        script = mine / "b.toml"
        script.write_text(f'title = "B"\n[[step]]\nbell = "{bell}"\n')
        r = run_cli("render", str(script), "-o", str(tmp_path / "o.wav"))
        assert r.returncode == 2, (bell, r.stderr)
        assert message in r.stderr, (bell, r.stderr)
        assert "Traceback" not in r.stderr
        assert not (tmp_path / "o.wav").exists()
