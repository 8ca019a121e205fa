"""Progress: streaks (unless hidden), totals, a twelve-week calendar, weeks, and the check-in trend."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Label, Static

from player.app import progress, wording
from player.core import calendar
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.checkins import CheckInChart
from player.tui.widgets.footer import KeysFooter
from player.tui.widgets.heatmap import Heatmap


class StatsScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "toggle_rest", "Rest today", id="rest_today"),
        Binding("escape", "app.pop_screen", "Back", id="stats_back"),
        Binding("q", "app.pop_screen", "Back", id="stats_q", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield Label("Your practice", id="stats-title")
            yield Label("", id="stats-greeting")
            with Horizontal(id="stats-top"):
                yield Static("", id="numbers")
                yield Heatmap(id="heatmap")
            with Vertical(id="trend-box"):
                yield Label("", id="trend-label")
                yield CheckInChart(id="trend")
            yield Static("", id="week-table")
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.shell.stats is not None:
            self.show_progress(self.shell.stats)
        else:
            self.query_one("#stats-greeting", Label).update("Reading your progress…")

    def show_progress(self, stats) -> None:
        d = stats
        show = self.shell.ctx.settings.show_streaks
        self.query_one("#stats-greeting", Label).update(wording.greeting(d.last_practiced, stats.today))
        rows: list[tuple[str, object]] = []
        if show:
            rows.append(("Days in a row", d.current_streak))
            rows.append(("Longest run", d.longest_streak))
            rows.append(("Weeks at goal", d.weeks_goal_streak))
            if d.practice_days >= wording.STRENGTH_AFTER_DAYS:
                rows.append(("Practice strength", f"{d.strength_percent} %"))
        rows += [
            ("Practice days", d.practice_days),
            ("This week", wording.week_count(d, "day")),
            ("Sessions", d.total_sessions),
            ("Minutes", calendar.whole_minutes(d.total_minutes * 60)),
        ]
        if d.partial_sessions:
            rows.append(("Left part-way", d.partial_sessions))
        resting = wording.rest_days_this_week(stats.rest_days, stats.today)
        if resting:
            rows.append(("Rest this week", resting))
        lines = [f"{label:<19}{value}" for label, value in rows]
        self.query_one("#numbers", Static).update("\n".join(lines))
        self.query_one("#heatmap", Heatmap).show(stats.day_minutes, stats.today, stats.rest_days)
        table = ["Course weeks (each starts when it opens)"] if stats.states else []
        for w in stats.states:
            state = wording.week_state(w, locked="not open yet")
            bar = "●" * min(w.days_practiced, w.goal_days) + "○" * max(0, w.goal_days - w.days_practiced)
            table.append(f"Week {w.number}  {w.theme[:38]:<38} {bar:<8} {state}")
        self.query_one("#week-table", Static).update("\n".join(table))
        found = stats.check_ins
        label = self.query_one("#trend-label", Label)
        chart = self.query_one("#trend", CheckInChart)
        chart.display = bool(found.points)
        chart.show(found)
        on = self.shell.ctx.settings.check_in
        if found.points:
            label.update("How kind you were being to yourself, 0 to 10" + ("" if on else " (check-ins are off now)"))
        elif on:
            label.update("Your check-ins will show here once you answer them.")
        else:
            label.update("Check-ins are off. You can turn them on in the settings.")

    def action_toggle_rest(self) -> None:
        """Plan today as a rest day, or take it back (off the UI thread: it writes the progress file)."""
        app = self.shell
        stats = app.stats
        today = stats.today if stats is not None else app.today  # the day this screen shows
        resting = stats is not None and today in stats.rest_days

        def job() -> None:
            try:
                if resting:
                    progress.unmark_rest(app.ctx, today)
                    message = "Today is no longer a rest day."
                else:
                    progress.mark_rest(app.ctx, today)
                    message = "Today is a rest day. Your days in a row carry on across it."
            except CompassionError as exc:
                message = exc.lines()[0] + (f" ({exc.hint})" if exc.hint else "")
            app.call_from_thread(app.notify, message, timeout=8)
            app.call_from_thread(app.refresh_progress)

        app.run_worker(job, thread=True, group="rest")
