"""Settings in `config.toml`: read and checked (every problem with its line), and changed key by key
through `change`, the one writer: fresh read, lock, atomic write, derived data in the same step."""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from player.adapters.files import describe_os_error, private_folder, write_text
from player.core import calendar
from player.core.errors import CompassionError, Problem, ScriptError, WorkFailed
from player.core.pack import ID as PACK_ID
from player.core.script.checks import number_in, whole_in
from player.core.script.model import ENGINE_CHOICES, RATE_RANGE
from player.core.script.toml_lines import key_lines, line_of

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Settings:
    day_starts_at: str = "00:00"
    weekly_goal_days: int = 0
    show_streaks: bool = True
    pace: str = "course"
    voice_engine: str = "auto"
    voice: str = ""
    rate: int = 0
    check_in: bool = True
    my_words: bool = True
    cache_max_mb: int = 500
    rest_days_per_week: int = 1
    volume: int = 100
    ambience: str = ""
    ambience_level: int = 0
    reminder_time: str = ""
    timer_minutes: float = 10.0
    timer_every: float = 0.0
    timer_bell: str = "bowl"
    timer_prepare: int = 10
    timer_ambience: str = ""
    course: str = "builtin"

    @property
    def day_start_minutes(self) -> int:
        return calendar.day_start_minutes(self.day_starts_at)


DESCRIPTIONS = {
    "day_starts_at": "when a new practice day begins, HH:MM (03:00 counts a 1:30 session as the day before)",
    "weekly_goal_days": "practice days a week to aim for, 1 to 7, for every week (0: each course week's own goal)",
    "show_streaks": "show streak numbers in the app, true or false",
    "pace": "'course' unlocks a week at a time; 'free' opens every week",
    "voice_engine": "speech engine: auto, pyttsx3 or piper",
    "voice": "default voice id (empty for the engine's default); see `compassion voices`",
    "rate": "default speaking rate in words per minute, 80 to 300 (0 for the app default)",
    "check_in": "ask a 0 to 10 kindness check-in before and after a session, true or false",
    "my_words": "speak your own phrases and letter in the practices that use them, true or false",
    "volume": "playback volume in the app, 0 to 100 percent (+ and - while playing change it)",
    "ambience": "ambience under the practices you play: empty for each practice's own, none, or a name (brown, rain, drone)",
    "ambience_level": "the ambience louder or softer than the practice sets it, in dB, -12 to 12 ([ and ] while playing)",
    "reminder_time": "a daily practice reminder, HH:MM (writes compassion-reminder.ics to import), empty for none",
    "rest_days_per_week": "planned rest days allowed in a week (they keep a run of days going), 0 to 7",
    "timer_minutes": "the unguided timer's length, in minutes (remembered from its last use)",
    "timer_every": "minutes between the timer's interval bells, 0 for none (remembered)",
    "timer_bell": "the timer's bell (remembered)",
    "timer_prepare": "seconds of quiet before the timer's opening bell (remembered)",
    "timer_ambience": "an ambience under the timer, empty for none (remembered)",
    "course": "the course you follow: builtin, or an installed pack's id (see `compassion course`)",
    "cache_max_mb": "most disk space for made speech, in MB (least recently used lines go first), 1 to 100000",
}


#: Settings that hold a time of day, written HH:MM (7:30 is taken as 07:30).
TIME_KEYS = ("day_starts_at", "reminder_time")


def _normal(key: str, value: Any) -> Any:
    """A value as it is kept: a time typed as 7:30 (or with spaces) becomes 07:30."""
    if key == "voice_engine" and isinstance(value, str) and value.strip().lower() in ("espeak", "espeak-ng"):
        return "pyttsx3"  # the engine speaks through espeak-ng: its name is taken too
    if key in TIME_KEYS and isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", value)
        if m:
            return f"{int(m.group(1)):02d}:{m.group(2)}"
        return value.strip()
    return value


def _check(key: str, value: Any) -> str | None:
    """An error message when `value` is not valid for `key`, else None."""
    if key == "day_starts_at":
        return None if isinstance(value, str) and _TIME.match(value) else 'day_starts_at must be a time like "03:00"'
    if key == "weekly_goal_days":
        return None if whole_in(value, 0, 7) else "weekly_goal_days must be a whole number from 0 to 7"
    if key in ("show_streaks", "check_in", "my_words"):
        return None if isinstance(value, bool) else f"{key} must be true or false"
    if key == "pace":
        return None if value in ("course", "free") else 'pace must be "course" or "free"'
    if key == "voice_engine":
        return None if value in ENGINE_CHOICES else f"voice_engine must be one of {', '.join(ENGINE_CHOICES)}"
    if key == "voice":
        ok = isinstance(value, str) and len(value) <= 100 and value.isprintable()
        return None if ok else "voice must be a voice id on one line, like en-gb (see `compassion voices`)"
    if key == "rate":
        ok = whole_in(value, 0, 0) or whole_in(value, *RATE_RANGE)
        return None if ok else f"rate must be 0 or a whole number from {RATE_RANGE[0]} to {RATE_RANGE[1]}"
    if key == "volume":
        return None if whole_in(value, 0, 100) else "volume must be a whole number from 0 to 100"
    if key in ("ambience", "timer_ambience"):
        ok = isinstance(value, str) and re.fullmatch(r"([a-z0-9][a-z0-9_-]{0,63})?", value) is not None
        return None if ok else f"{key} must be empty, none, or the name of an ambience like rain"
    if key == "ambience_level":
        return None if whole_in(value, -12, 12) else "ambience_level must be a whole number of dB from -12 to 12"
    if key == "reminder_time":
        ok = isinstance(value, str) and (value == "" or _TIME.match(value) is not None)
        return None if ok else 'reminder_time must be a time like "08:30", or empty for none'
    if key == "rest_days_per_week":
        return None if whole_in(value, 0, 7) else "rest_days_per_week must be a whole number from 0 to 7"
    if key == "timer_minutes":
        return None if number_in(value, 0.1, 24 * 60) else "timer_minutes must be from 0.1 to 1440"
    if key == "timer_every":
        return None if number_in(value, 0, 24 * 60) else "timer_every must be 0 (no interval bells) or more"
    if key == "timer_bell":
        ok = isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", value) is not None
        return None if ok else "timer_bell must name a bell, like bowl"
    if key == "timer_prepare":
        return None if whole_in(value, 0, 600) else "timer_prepare must be a whole number of seconds from 0 to 600"
    if key == "course":
        ok = value == "builtin" or (isinstance(value, str) and PACK_ID.match(value) is not None)
        return None if ok else "course must be builtin or an installed pack's id (see `compassion pack list`)"
    if key == "cache_max_mb":
        return (
            None if whole_in(value, 1, 100_000) else "cache_max_mb must be a whole number of megabytes from 1 to 100000"
        )
    return f"unknown setting '{key}'"


def config_path(config_dir: Path) -> Path:
    return Path(config_dir) / "config.toml"


def _read(path: Path) -> dict[str, Any]:
    """The settings written in the file, checked (every problem with its line); {} when there is none."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CompassionError(f"cannot read {path} ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ScriptError([Problem(path, int(m.group(1)) if m else 1, f"cannot read settings: {exc}")]) from None
    lines = key_lines(text)
    problems = [Problem(path, line_of(lines, (key,)), msg) for key, value in doc.items() if (msg := _check(key, value))]
    if problems:
        raise ScriptError(problems)
    return doc


def load(config_dir: Path) -> Settings:
    """Read settings; a missing file means defaults. Invalid files raise ScriptError with lines."""
    return replace(Settings(), **_read(config_path(config_dir)))


def stamp(config_dir: Path) -> tuple[int, int] | None:
    """What tells that the settings file changed since it was read: (mtime_ns, size); None when missing."""
    try:
        st = config_path(config_dir).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class Current:
    """The settings in force, read again whenever the file changed (another terminal's `config set`, the
    settings screen): every decision that depends on a setting asks here. A file that cannot be read just
    now (being saved by hand, say) leaves the last good settings in force."""

    def __init__(self, config_dir: Path, settings: Settings) -> None:
        self.config_dir = Path(config_dir)
        self._settings = settings
        self._stamp = stamp(self.config_dir)

    def get(self) -> Settings:
        now = stamp(self.config_dir)
        if now != self._stamp:
            with contextlib.suppress(CompassionError):
                self._settings = load(self.config_dir)
                self._stamp = now
        return self._settings

    def set(self, settings: Settings) -> None:
        """The settings just written (by `change`): in force at once."""
        self._settings = settings
        self._stamp = stamp(self.config_dir)


def parse_value(key: str, text: str) -> Any:
    """Turn command-line text into a setting's value, validated."""
    names = {f.name for f in fields(Settings)}
    if key not in names:
        import difflib

        close = difflib.get_close_matches(key, sorted(names), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"settings: {', '.join(sorted(names))}"
        raise CompassionError(f"unknown setting '{key}'", hint)
    default = getattr(Settings(), key)
    value: Any = _normal(key, text)
    if isinstance(default, bool):
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            value = True
        elif lowered in ("false", "no", "off", "0"):
            value = False
    elif isinstance(default, float):
        with contextlib.suppress(ValueError):
            value = float(text)
    elif isinstance(default, int):
        with contextlib.suppress(ValueError):
            value = int(text)
    msg = _check(key, value)
    if msg:
        raise CompassionError(msg, DESCRIPTIONS[key])
    return value


#: Derived data to change in the same step as settings: given (before, after), a context manager that
#: makes the change inside it and keeps it only if it exits normally (a database transaction, say).
Derived = Callable[[Settings, Settings], AbstractContextManager[object]]


def change(config_dir: Path, changes: Mapping[str, Any], derived: Derived | None = None) -> tuple[Settings, Path]:
    """Change the named settings, the one way settings are ever written.

    Under a lock, the file is read fresh (so a change made meanwhile elsewhere is kept), the new values are
    checked, and the file is written atomically with only the named keys changed. Data derived from the
    settings changes in the same step (`derived`): if it fails, the file is not changed, and if it fails
    after the file was written, the file is put back as it was. Returns the settings now in force.
    """
    changes = {key: _normal(key, value) for key, value in changes.items()}
    for key, value in changes.items():
        msg = _check(key, value)
        if msg:
            raise CompassionError(msg, DESCRIPTIONS.get(key))
    path = config_path(config_dir)
    with _locked(Path(config_dir)):
        written = _read(path)
        before = replace(Settings(), **written)
        after = replace(before, **changes)
        if after == before and all(k in written for k in changes):
            return after, path
        previous = path.read_bytes() if path.exists() else None
        text = _text({**written, **changes}) if previous is None else _kept(previous.decode("utf-8-sig"), changes)
        try:
            with derived(before, after) if derived is not None else contextlib.nullcontext():
                write_text(path, text, "settings file")
        except BaseException:
            current = path.read_bytes() if path.exists() else None
            if current is not None and current != previous:
                _put_back(path, previous)
            raise
    return after, path


def _text(values: Mapping[str, Any]) -> str:
    """config.toml: the settings that were set, in the usual order, each under its description."""
    import tomli_w

    lines = ["# compassion-player settings; `compassion config list` shows every setting and its value", ""]
    for key in (f.name for f in fields(Settings)):
        if key in values:
            lines.append(f"# {DESCRIPTIONS[key]}")
            lines.append(tomli_w.dumps({key: values[key]}))
    return "\n".join(lines)


def _kept(text: str, changes: Mapping[str, Any]) -> str:
    """The settings file with only the named keys changed: the listener's own comments, blank lines and
    key order stay as they wrote them; a key that was not there is added at the end under its description."""
    import tomlkit

    doc = tomlkit.parse(text)
    for key, value in changes.items():
        if key in doc:
            doc[key] = value
        else:
            if doc.body and not text.endswith("\n\n"):
                doc.add(tomlkit.nl())
            doc.add(tomlkit.comment(DESCRIPTIONS[key]))
            doc.add(key, value)
    return tomlkit.dumps(doc)


def _put_back(path: Path, previous: bytes | None) -> None:
    if previous is None:
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        with contextlib.suppress(CompassionError):
            write_text(path, previous.decode("utf-8-sig"), "settings file")


@contextlib.contextmanager
def _locked(config_dir: Path) -> Iterator[None]:
    """One writer of the settings at a time, across processes."""
    import fcntl

    try:
        private_folder(config_dir, tighten=False)  # a new one is this user's only (it may be the data folder)
        handle = open(config_dir / ".config.lock", "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise WorkFailed(f"cannot change settings in {config_dir}: {describe_os_error(exc)}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
