"""The house rules that keep the code easy to find one's way in."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from tests.conftest import REPO

PLAYER = REPO / "player"


def test_the_import_contract_covers_every_module_outside_the_tui():
    contract = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    covered = set(contract["source_modules"])
    modules = {f"player.{p.stem}" for p in PLAYER.glob("*.py") if p.stem not in ("__init__", "__main__")}
    packages = {f"player.{p.name}" for p in PLAYER.iterdir() if (p / "__init__.py").exists() and p.name != "tui"}
    assert modules | packages == covered


def test_no_module_is_too_long_to_read_in_one_sitting():
    long = {str(p.relative_to(REPO)): n for p in PLAYER.rglob("*.py") if (n := len(p.read_text().splitlines())) > 360}
    assert long == {}


def test_the_core_and_the_command_line_never_load_textual():
    code = (
        "import sys, player.cli, player.cli.parser, player.service, player.practice, player.tracking, player.batch,"
        " player.overview; player.cli.parser.build_parser(); print('textual' in sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr
