"""Home: the course, each week's state, and a kind summary of practice."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, ListItem, ListView, Static

from player.adapters import first_run
from player.app import wording
from player.core.errors import CompassionError
from player.tui.base import Screen


class WeekItem(ListItem):
    """One line per week: its title, then its state (one widget, so the home screen paints fast)."""

    def __init__(self, number: int, theme: str) -> None:
        super().__init__(id=f"week-{number}")
        self.number = number
        self.theme = theme
        self.state = ""
        self.line = Label(self._text(), classes="week-line")

    def _text(self) -> Text:
        text = Text(f"Week {self.number}  {self.theme}".ljust(47), style="bold" if self.has_class("current") else "")
        text.append(self.state, style="dim")
        return text

    def show(self, state: str) -> None:
        self.state = state
        self.line.update(self._text())

    def compose(self) -> ComposeResult:
        yield self.line


class MyScriptsItem(ListItem):
    def compose(self) -> ComposeResult:
        yield Label(Text("My scripts".ljust(52)).append("your own practices", style="dim"), classes="week-line")


class TimerItem(ListItem):
    def compose(self) -> ComposeResult:
        yield Label(Text("Timer".ljust(52)).append("quiet practice with bells", style="dim"), classes="week-line")


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("s", "app.open_stats", "Progress", id="stats"),
        Binding("w", "app.open_words", "Your words", id="words"),
        Binding("o", "app.open_settings", "Settings", id="settings"),
        Binding("d", "dismiss_notice", "Dismiss note", id="dismiss", show=False),
        Binding("q", "app.quit", "Quit", id="home_quit"),
    ]

    def compose(self) -> ComposeResult:
        app = self.shell
        with Vertical(id="home"):
            try:
                course = app.ctx.catalog.course
                title = course.title
                weeks = course.weeks
            except CompassionError as exc:
                title, weeks = "compassion-player", ()
                yield Static(exc.lines()[0], id="course-error")
            yield Label(title, id="course-title")
            yield Label("", id="greeting")
            yield Label("", id="summary")
            if not first_run.notice_seen(app.ctx.data_dir):
                yield Static(f"{wording.SELF_HELP_NOTICE}  (press d to dismiss)", id="notice")
            items: list[ListItem] = [WeekItem(w.number, w.theme) for w in weeks]
            if app.ctx.catalog.user_entries():
                items.append(MyScriptsItem(id="my-scripts"))
            items.append(TimerItem(id="timer"))
            yield ListView(*items, id="weeks")
        yield Footer()

    def on_mount(self) -> None:
        if self.shell.stats is not None:
            self.show_progress(self.shell.stats)
        if self.shell.store_problem:
            self.show_store_problem(self.shell.store_problem)
        self.query_one("#weeks", ListView).focus()

    def show_progress(self, stats) -> None:
        show = self.shell.ctx.settings.show_streaks
        self.query_one("#greeting", Label).update(wording.greeting(stats.last_practiced, stats.today))
        self.query_one("#summary", Label).update(wording.summary_line(stats, show))
        current = stats.current_week
        for state in stats.states:
            items = self.query(f"#week-{state.number}")
            if not items:
                continue
            item = items.first(WeekItem)
            if state.completed:
                text = f"done · {state.sessions} sessions"
            elif not state.unlocked:
                text = f"locked · {wording.opens(state)}"
            elif state.number == current:
                text = f"current · {state.days_practiced} of {state.goal_days} days · {state.sessions} sessions"
            else:
                text = f"open · {state.days_practiced} of {state.goal_days} days · {state.sessions} sessions"
            item.set_class(not state.unlocked, "locked")
            item.set_class(state.completed, "done")
            item.set_class(state.number == current, "current")
            item.show(text)
        weeks = self.query_one("#weeks", ListView)
        if not getattr(self, "_focused_current", False):
            self._focused_current = True
            weeks.index = max(0, current - 1)

    def show_store_problem(self, text: str) -> None:
        self.query_one("#summary", Label).update("Progress cannot be read right now; practice still works.")

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        item = event.item
        if isinstance(item, TimerItem):
            self.shell.choose_timer()
            return
        if isinstance(item, MyScriptsItem):
            from player.tui.screens.week import WeekScreen

            self.shell.push_screen(WeekScreen(None))
            return
        if isinstance(item, WeekItem):
            if item.has_class("locked"):
                self.shell.notify(f"Week {item.number} is not open yet; you can still look at it.", timeout=4)
            self.shell.open_week(item.number)

    def action_dismiss_notice(self) -> None:
        notices = self.query("#notice")
        if notices:
            notices.first().remove()
            first_run.mark_seen(self.shell.ctx.data_dir)
