"""Command palette entries: the screens, and every exercise by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from player.core.errors import CompassionError
from player.tui.base import Shell


class ExerciseCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast(Shell, self.app)
        out: list[tuple[str, Callable[[], object], str]] = [
            ("Progress", app.action_open_stats, "streaks, totals and the calendar"),
            ("Settings", app.action_open_settings, "voice, check-ins, goal, ambience, volume, reminder"),
            ("Help", app.action_help, "keys and what this app is"),
            ("Courses", app.action_open_courses, "the course you follow, and the packs installed"),
            ("My scripts", partial(app.open_week, None), "your own scripts, and converting one in"),
            ("Your words", app.action_open_words, "your own phrases and your letters"),
            ("Write your letter", partial(app.action_open_words, "letter"), "a new compassionate letter"),
        ]
        try:
            course = app.ctx.catalog.course
            for week in course.weeks:
                out.append((f"Week {week.number}: {week.theme}", partial(app.open_week, week.number), week.intention))
            for entry in app.ctx.catalog.course_entries().values():
                script = app.ctx.catalog.load(entry)
                out.append((f"Play {script.title}", partial(app.open_target, entry.id), f"week {entry.week}"))
        except CompassionError:
            pass
        for mine in app.ctx.catalog.my_scripts():
            if mine.script is not None:
                out.append((f"Play {mine.script.title}", partial(app.open_target, mine.entry.id), "my scripts"))
        return out

    async def discover(self) -> Hits:
        for name, action, help_text in self._commands():
            yield DiscoveryHit(name, action, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), action, help=help_text)
