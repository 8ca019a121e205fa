"""Where things live (the bundled course and sounds, the user's data, cache and config folders), and every
other setting that comes from the environment: this is the one module that reads environment variables.

Nothing is created at import time; callers create folders when they first write to them.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "compassion-player"

_PACKAGE = Path(__file__).resolve().parent.parent  # the player package


def _bundled(name: str) -> Path:
    # A source checkout keeps scripts/ and audio/ beside the package; a wheel carries them inside it.
    beside = _PACKAGE.parent / name
    if beside.is_dir():
        return beside
    return _PACKAGE / "_data" / name


def course_dir() -> Path:
    """The folder holding the built-in course (`course.toml`, `weekN/*.toml`, `examples/`)."""
    override = os.environ.get("COMPASSION_COURSE_DIR")
    return Path(override).expanduser() if override else _bundled("scripts")


def sounds_dir() -> Path:
    """The folder of committed sound assets (bells and ambience)."""
    return _bundled("audio")


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's data folder: `--data-dir`, then `COMPASSION_DATA_DIR`, then the platform default."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("COMPASSION_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return default_data_dir()


def folder_id(folder: Path) -> str:
    """A short name for a data folder, the same for every path that leads to it (what is kept for it
    elsewhere, such as speech of the listener's words or sessions waiting to be saved, carries it)."""
    import hashlib

    return hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:16]


def is_default_data_dir(folder: Path) -> bool:
    """Whether `folder` is the platform's data folder for the app (the app's own, not one chosen)."""
    try:
        return Path(folder).resolve() == default_data_dir().resolve()
    except OSError:
        return False


def default_data_dir() -> Path:
    """The platform's data folder for the app (the app's own: it keeps it private)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The user's cache folder (synthesized speech): `COMPASSION_CACHE_DIR` or the platform default."""
    env = os.environ.get("COMPASSION_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Where the app keeps what must survive but is not the user's data (sessions waiting to be saved when
    the data folder cannot be written): `COMPASSION_STATE_DIR` or the platform default."""
    env = os.environ.get("COMPASSION_STATE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def busy_timeout_ms() -> int:
    """How long a write waits for another program to finish writing the progress file before the session
    is kept aside in the pending file: about 2 seconds, so nothing freezes (COMPASSION_TEST_BUSY_MS sets it
    for tests)."""
    text = os.environ.get("COMPASSION_TEST_BUSY_MS", "")
    return int(text) if text.isdigit() else 2000


def config_dir() -> Path:
    """The user's config folder (`config.toml`): `COMPASSION_CONFIG_DIR` or the platform default."""
    env = os.environ.get("COMPASSION_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_dir_overridden() -> bool:
    """Whether COMPASSION_CONFIG_DIR names the settings folder (otherwise `--data-dir` holds settings too)."""
    return bool(os.environ.get("COMPASSION_CONFIG_DIR"))


def engine_override() -> str | None:
    """COMPASSION_ENGINE: the speech engine to use when neither the command nor the script names one."""
    return os.environ.get("COMPASSION_ENGINE") or None


def test_now() -> str | None:
    """COMPASSION_TEST_NOW: for tests, the moment the app's clock is set to (it runs on from there)."""
    return os.environ.get("COMPASSION_TEST_NOW") or None


def audio_disabled() -> bool:
    """COMPASSION_NO_AUDIO: play silently, as if there were no audio device."""
    return bool(os.environ.get("COMPASSION_NO_AUDIO"))


def user_scripts_dir(data: Path) -> Path:
    """The folder where the user's own scripts (and their own sounds) live."""
    return data / "scripts"
