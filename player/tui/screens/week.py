"""A week: its intention and exercises, each with the lengths it can run to and a done mark."""

from __future__ import annotations

import re

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Label, ListItem, ListView

from player.adapters.catalog import Entry
from player.app import library, practice
from player.core import calendar
from player.core.calendar import clock
from player.core.errors import CompassionError
from player.core.script.model import Script
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter


def span_text(lo: float, hi: float, estimated: bool) -> str:
    return calendar.minutes_range(lo * 60, hi * 60, about=estimated)


class ExerciseItem(ListItem):
    def __init__(
        self,
        entry: Entry,
        script: Script | None,
        error: str | None,
        span: tuple[float, float] = (0, 0),
        exact: bool = True,
    ) -> None:
        # A widget id holds letters, digits, - and _ only: a pack's practice (pack:ID/NAME) is spelt out.
        super().__init__(id="ex-" + re.sub(r"[^A-Za-z0-9_-]", "-", entry.id))
        self.entry, self.script, self.error = entry, script, error
        self.lo, self.hi = span
        kind = (script.kind or "") if script else ""
        title = script.title if script else entry.id
        self.title_label = Label(title, classes="ex-title")
        #: Kind and length, padded by the screen to the widest of its rows so the kinds line up.
        self.meta_text = error or f"{kind:<9} {span_text(self.lo, self.hi, not exact)}"
        self.meta = Label(self.meta_text, classes="ex-meta")
        self.mark = Label("", classes="ex-mark")

    def compose(self) -> ComposeResult:
        yield self.mark
        yield self.title_label
        yield self.meta


def _line_up(items: list[ExerciseItem]) -> None:
    """Every row's kind and length as wide as the widest: in a narrow window, where the titles give way,
    the kinds still stand in one column."""
    width = max((len(i.meta_text) for i in items), default=0)
    for i in items:
        i.meta = Label(i.meta_text.ljust(width), classes="ex-meta")


class ConvertItem(ListItem):
    """My scripts' way in for a script someone already has, in another format."""

    def compose(self) -> ComposeResult:
        yield Label("   Convert a file…  (text, Markdown, SSML or step JSON)", classes="ex-title")


class WeekScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="week_back"),
        Binding("q", "app.pop_screen", "Back", id="week_q", show=False),
    ]

    def __init__(self, number: int | None) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        ctx = self.shell.ctx
        yield Header()
        with Vertical(id="week"):
            items: list[ListItem] = []
            if self.number is None:
                yield Label("My scripts", id="week-title")
                yield Label(f"Your own practices, from {ctx.catalog.user_dir}", id="intention")
                for mine in ctx.catalog.my_scripts():
                    if mine.script is None:
                        items.append(ExerciseItem(mine.entry, None, mine.error.lines()[0] if mine.error else None))
                    else:
                        items.append(self._item(mine.entry, mine.script))
            else:
                week = ctx.catalog.course.week(self.number)
                if week is None:
                    yield Label(f"There is no week {self.number} in the course.", id="week-title")
                    return
                yield Label(f"Week {week.number}: {week.theme}", id="week-title")
                yield Label(week.intention, id="intention")
                entries = ctx.catalog.course_entries()
                for ex in week.practices:
                    entry = entries[ex]
                    try:
                        items.append(self._item(entry, ctx.catalog.load(entry)))
                    except CompassionError as exc:
                        items.append(ExerciseItem(entry, None, exc.lines()[0]))
            if self.number is None:
                items.append(ConvertItem(id="convert-a-file"))
            _line_up([i for i in items if isinstance(i, ExerciseItem) and i.error is None])
            yield ListView(*items, id="exercises")
            yield Label("", id="week-progress")
        yield KeysFooter()

    def _item(self, entry: Entry, script: Script) -> ExerciseItem:
        """An exercise with the lengths it can run to: exact from made speech or the course's durations
        manifest (nothing is made to show them), else estimated from its words and marked "about"."""
        try:
            plan = library.plan(self.shell.ctx, script, self.shell.engine, synthesize=False)
        except CompassionError as exc:
            return ExerciseItem(entry, None, exc.lines()[0])
        return ExerciseItem(entry, script, None, plan.range_minutes(), plan.exact)

    def on_mount(self) -> None:
        self.query_one("#exercises", ListView).focus()
        if self.shell.stats is not None:
            self.show_progress(self.shell.stats)
        scripts = [item.script for item in self.query(ExerciseItem) if item.script is not None]
        if scripts:
            self._warm_up(scripts[0])

    @work(thread=True, group="warm-up")
    def _warm_up(self, script: Script) -> None:
        """Have the voice loaded while the listener chooses, so a practice's first word comes at once."""
        practice.warm_up(self.shell.ctx, script, self.shell.engine)

    def _converted(self, saved: str | None) -> None:
        """A converted script was kept: My scripts shows it."""
        if saved is not None:
            self.call_later(self.recompose)

    def show_progress(self, stats) -> None:
        """Each practice's mark (✓ done, ◐ stopped part-way: Continue is offered), and the week's count."""
        state = next((s for s in stats.states if s.number == self.number), None)
        done = state.exercises_done if state is not None else ()
        parts = []
        for item in self.query(ExerciseItem):
            part = stats.stopped.get(item.entry.id)
            item.mark.update("◐" if part else "✓" if item.entry.id in done else " ")
            if part:
                title = item.script.title if item.script else item.entry.id
                parts.append(f"◐ {title}: stopped at {clock(part[0])} of {clock(part[1])}; open it to continue.")
        if state is None:
            text = ""
        elif state.completed:
            text = f"Course week {state.number} is done. You are welcome to keep practising it."
        elif state.unlocked:
            text = f"{state.days_practiced} of {state.goal_days} practice days so far in course week {state.number}."
        else:
            text = f"Course week {state.number} {state.locked_reason}. You can still listen now if you wish."
        self.query_one("#week-progress", Label).update("\n".join([*parts, text]).strip())

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        item = event.item
        if isinstance(item, ConvertItem):
            from player.tui.screens.convert import ConvertScreen

            self.shell.push_screen(ConvertScreen(), self._converted)
            return
        if not isinstance(item, ExerciseItem):
            return
        if item.script is None:
            self.shell.notify(item.error or "this script cannot be used", severity="error")
            return
        self.shell.open_exercise(item.entry, item.script)
