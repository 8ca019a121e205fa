"""The house rules that keep the code easy to find one's way in."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.conftest import REPO

PLAYER = REPO / "player"


def test_the_house_has_four_layers_and_the_import_contracts_cover_them():
    """player/ holds the entry point and the layers only: interfaces (cli, tui), use cases (app), adapters
    and the pure core; the no-textual contract covers every one but the TUI."""
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert {p.name for p in PLAYER.glob("*.py")} == {"__init__.py", "__main__.py"}
    packages = {p.name for p in PLAYER.iterdir() if (p / "__init__.py").exists()}
    assert packages == {"cli", "tui", "app", "adapters", "core"}
    assert set(contracts[0]["source_modules"]) == {f"player.{p}" for p in packages - {"tui"}}
    layers = next(c for c in contracts if c["type"] == "layers")
    assert layers["layers"] == ["player.cli | player.tui", "player.app", "player.adapters", "player.core"]


def test_no_module_is_too_long_to_read_in_one_sitting():
    long = {str(p.relative_to(REPO)): n for p in PLAYER.rglob("*.py") if (n := len(p.read_text().splitlines())) > 350}
    assert long == {}


def test_the_core_and_the_command_line_never_load_textual():
    code = (
        "import sys, player.cli, player.cli.parser, player.app.library, player.app.practice, player.app.progress, player.app.batch,"
        " player.app.overview, player.cli.library, player.cli.practice, player.cli.progress, player.cli.render,"
        " player.cli.settings, player.cli.words, player.cli.packs; player.cli.parser.build_parser();"
        " print('textual' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr


def test_every_command_reaches_its_code_and_building_the_parser_loads_none():
    """Commands are imported when run (quick commands stay quick): each one's function must exist."""
    import argparse
    from importlib import import_module

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, player.cli.parser as p; p.build_parser();"
            " print(sorted(m for m in sys.modules if m.startswith('player.cli.') and m != 'player.cli.parser'))",
        ],
        capture_output=True,
        text=True,
    )
    assert loaded.stdout.strip() == "[]", loaded.stderr
    from player.cli.parser import build_parser

    subs = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert len(subs.choices) >= 20
    for name, sub in subs.choices.items():
        run = sub.get_default("func")
        assert callable(getattr(import_module(run.module), run.name)), name


def test_only_the_clock_reads_the_wall_clock():
    """Every "now" comes from the context's clock (adapters/clock.py), which tests set."""
    reads = re.compile(r"datetime\.now\(|date\.today\(|time\.time\(|time\.localtime\(|datetime\.utcnow\(")
    found = [
        f"{p.relative_to(REPO)}:{n}"
        for p in PLAYER.rglob("*.py")
        if p.name != "clock.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if reads.search(line)
    ]
    assert found == []


def test_progress_use_cases_load_no_speech_or_audio_code():
    code = (
        "import sys, player.app.progress; "
        "print(sorted(m for m in sys.modules if m.startswith(('player.adapters.speech.workers', "
        "'player.adapters.sound.export', 'player.adapters.playback'))))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stderr
