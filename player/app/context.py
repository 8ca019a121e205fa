"""The Context every use case is given: the one clock, where data lives, the settings, the speech cache and
the catalog of exercises. Made once, at the edge (`open_context`), and handed down."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from player.adapters import paths
from player.adapters import settings as config
from player.adapters.catalog import Catalog
from player.adapters.clock import Clock, from_setting, localize
from player.adapters.speech.cache import SpeechCache
from player.core import calendar

#: How long work reports its progress: (phase, done, total).
Progress = Callable[[str, int, int], None]


@dataclass
class Context:
    """What every use case needs: where data lives, the settings, the cache and the catalog."""

    data_dir: Path
    config_dir: Path
    current: config.Current
    cache: SpeechCache
    catalog: Catalog
    clock: Clock
    #: Where a line the listener should see once goes (the TUI shows it in the app; the command line
    #: prints it on standard error).
    on_notice: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))

    @property
    def settings(self) -> config.Settings:
        """The settings in force now: read again whenever the settings file has changed."""
        return self.current.get()

    @settings.setter
    def settings(self, value: config.Settings) -> None:
        self.current.set(value)

    def now(self) -> datetime:
        """The current moment (with the local UTC offset), from the one clock."""
        return self.clock.now()

    def today(self) -> date:
        """Today's practice date: the local date, moved back by the day-start setting."""
        return calendar.practice_date(self.clock.now(), self.settings.day_start_minutes)

    def local(self, wall: datetime) -> datetime:
        """A wall-clock time without an offset, placed in the listener's zone on its own date (DST too)."""
        return localize(wall, self.clock)

    def day_of(self, moment: datetime) -> date:
        """The local date of a stored moment (a letter written, phrases changed) where and when it happened:
        moments are kept with the UTC offset they had then, so a letter written at 23:30 in a Berlin winter
        keeps its date when read in summer or in another zone."""
        return moment.date()

    @property
    def words_owner(self) -> str:
        """Whose words these are: one name for each data folder, under which the speech made of the
        listener's phrases and letter is kept apart (and forgotten with them)."""
        return paths.folder_id(self.data_dir)

    def tidy_cache(self, keep: Collection[str] = frozenset()) -> None:
        """Keep the speech cache within its size setting: least recently used lines go first, never the
        lines in `keep` (those being used now)."""
        self.cache.prune(self.settings.cache_max_mb * 1024 * 1024, frozenset(keep))


def open_context(data_dir: str | Path | None = None, clock: Clock | None = None) -> Context:
    """Resolve folders and read settings. With `--data-dir`, settings live there too (unless overridden).
    The clock is the computer's, unless a test sets one (`clock`, or COMPASSION_TEST_NOW)."""
    data = paths.data_dir(data_dir)
    if data_dir and not paths.config_dir_overridden():
        conf_dir = data
    else:
        conf_dir = paths.config_dir()
    settings = config.load(conf_dir)
    clock = clock or from_setting(paths.test_now())
    current = config.Current(conf_dir, settings)
    catalog = Catalog(data, followed=lambda: current.get().course)
    return Context(data, conf_dir, current, SpeechCache(paths.cache_dir()), catalog, clock)
