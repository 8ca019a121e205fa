"""Home: the course, each week's state, and a kind summary of practice."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, ListItem, ListView, Static

from player.adapters import first_run
from player.app import wording
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter


def two_sides(title: str, state: str, width: int, column: int, bold: bool = False) -> Text:
    """A row's title, then its state: in a narrow window the title gives way (shortened with an
    ellipsis), never the state."""
    room = max(8, min(column, width - len(state) - 2)) if width else column
    shown = title if len(title) <= room else title[: room - 1].rstrip() + "…"
    text = Text(shown.ljust(room + 2 if width else column), style="bold" if bold else "")
    text.append(state, style="dim")
    return text


class Row(ListItem):
    """One line: a title and its state (one widget, so the home screen paints fast), laid out again
    whenever the window changes size."""

    column = 45

    def __init__(self, title: str, state: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.state = state
        self.line = Label(self._text(), classes="week-line")

    def _text(self) -> Text:
        width = self.size.width - 3 if self.size.width else 0
        return two_sides(self.title_text, self.state, width, self.column, self.has_class("current"))

    def show(self, state: str) -> None:
        self.state = state
        self.line.update(self._text())

    def on_resize(self) -> None:
        self.line.update(self._text())

    def compose(self) -> ComposeResult:
        yield self.line


class WeekItem(Row):
    """One line per week: its title, then its state."""

    def __init__(self, number: int, theme: str) -> None:
        super().__init__(f"Week {number}  {theme}", id=f"week-{number}")
        self.number = number
        self.theme = theme


class MyScriptsItem(Row):
    def __init__(self, id: str | None = None) -> None:
        super().__init__("My scripts", "your own practices", id=id)


class TimerItem(Row):
    def __init__(self, id: str | None = None) -> None:
        super().__init__("Timer", "quiet practice with bells", id=id)


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("s", "app.open_stats", "Progress", id="stats"),
        Binding("w", "app.open_words", "Your words", id="words"),
        Binding("o", "app.open_settings", "Settings", id="settings"),
        Binding("c", "app.open_courses", "Courses", id="courses", show=False),
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
            items.append(MyScriptsItem(id="my-scripts"))  # your own scripts, and a way to convert one in
            items.append(TimerItem(id="timer"))
            yield ListView(*items, id="weeks")
        yield KeysFooter()

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
            sessions = wording.plural(state.sessions, "session")
            if state.completed:
                text = f"done · {sessions}"
            elif not state.unlocked:
                text = f"locked · {wording.opens(state)}"
            elif state.number == current:
                text = f"current · {state.days_practiced} of {state.goal_days} days · {sessions}"
            else:
                text = f"open · {state.days_practiced} of {state.goal_days} days · {sessions}"
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
