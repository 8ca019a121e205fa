"""A pack's manifest and ids: what is accepted, what is refused (and at which line), and version order."""

from __future__ import annotations

from pathlib import Path

import pytest

from player.core import ids
from player.core.errors import ScriptError
from player.core.pack import parse_manifest, version_key

GOOD = b"""id = "org.example.gentle-start"
title = "Gentle"
version = "1.2.0"
authors = ["Jo"]
language = "en-GB"
license = "CC BY 4.0"
description = "Two weeks."
[renamed]
old = "new"
"""


def test_a_good_manifest_and_its_file_name():
    m = parse_manifest(Path("pack.toml"), GOOD)
    assert (m.id, m.version, m.authors, m.renamed) == ("org.example.gentle-start", "1.2.0", ("Jo",), {"old": "new"})
    assert m.file_name == "org.example.gentle-start-1.2.0.cpack"


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ((b'"org.example.gentle-start"', b'"Org/Bad"'), 1, "id is 3 to 64 lowercase letters"),
        ((b'"1.2.0"', b'"1.2"'), 3, "semantic version"),
        ((b'["Jo"]', b"[]"), 4, "authors is a list of names"),
        ((b'"en-GB"', b'"english please"'), 5, "BCP-47"),
        ((b'old = "new"', b'old = "New Name"'), 8, "renamed maps old practice names"),
        ((b'license = "CC BY 4.0"\n', b'licence = "CC BY 4.0"\n'), 6, "unknown key 'licence'"),
    ],
)
def test_each_problem_is_named_at_its_line(change, line, words):
    with pytest.raises(ScriptError) as caught:
        parse_manifest(Path("pack.toml"), GOOD.replace(*change))
    found = [p for p in caught.value.problems if words in p.message]
    assert found and found[0].line == line, caught.value.lines()


def test_versions_are_ordered_as_semver_says():
    order = ["0.9.9", "1.0.0-alpha", "1.0.0-alpha.2", "1.0.0-beta", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    assert sorted(order, key=version_key) == order
    assert version_key("1.0.0+build.7") == version_key("1.0.0")


def test_a_pack_practice_is_an_id_not_a_path_only_when_its_pack_is_installed():
    installed = {"org.example.gentle-start"}
    assert not ids.looks_like_path("org.example.gentle-start/arriving", installed)
    assert ids.looks_like_path("org.example.gentle-start/arriving.toml", installed)  # a file after all
    assert ids.looks_like_path("scripts/arriving", installed) and ids.looks_like_path("other/arriving")
    stored = ids.parse("pack:org.example.gentle-start/arriving")
    assert stored.kind is ids.Kind.PACK and stored.shown == "org.example.gentle-start/arriving"
    assert str(ids.pack("org.example.gentle-start", "arriving")) == "pack:org.example.gentle-start/arriving"
    assert stored.counts_for_course and ids.from_legacy(str(stored)) == str(stored)
