"""The Context every use case is given: the one clock, where data lives, the settings, the speech cache and
the catalog of exercises. Made once, at the edge (`open_context`), and handed down."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from player.adapters import paths
from player.adapters import settings as config
from player.adapters.catalog import Catalog
from player.adapters.clock import Clock, from_setting
from player.adapters.speech.cache import SpeechCache
from player.core import calendar

#: How long work reports its progress: (phase, done, total).
Progress = Callable[[str, int, int], None]


@dataclass
class Context:
    """What every use case needs: where data lives, the settings, the cache and the catalog."""

    data_dir: Path
    config_dir: Path
    settings: config.Settings
    cache: SpeechCache
    catalog: Catalog
    clock: Clock

    def now(self) -> datetime:
        """The current moment (with the local UTC offset), from the one clock."""
        return self.clock.now()

    def today(self) -> date:
        """Today's practice date: the local date, moved back by the day-start setting."""
        return calendar.practice_date(self.clock.now(), self.settings.day_start_minutes)

    def day_of(self, moment: datetime) -> date:
        """The calendar date of a stored moment (a letter written, phrases changed) where the listener is
        now: in the one clock's time zone, never the machine's own."""
        return moment.astimezone(self.clock.now().tzinfo).date()

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
    return Context(data, conf_dir, settings, SpeechCache(paths.cache_dir()), Catalog(data), clock)
