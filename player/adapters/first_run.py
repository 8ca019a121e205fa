"""Remembering that the self-help notice was read, so it is shown until dismissed and then never again."""

from __future__ import annotations

from pathlib import Path

from player.adapters.files import private_folder

MARK = ".notice-dismissed"


def notice_seen(data_dir: Path) -> bool:
    return (Path(data_dir) / MARK).exists()


def mark_seen(data_dir: Path) -> None:
    try:
        private_folder(Path(data_dir), tighten=False)
        (Path(data_dir) / MARK).touch()
    except OSError:
        pass  # a read-only data folder: the note simply shows again next time
