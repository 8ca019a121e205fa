"""Courses: the built-in course and each installed course pack; Enter follows the one highlighted. Nothing
is installed from here, and nothing from the network: a pack file comes from the person who made it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Label, OptionList
from textual.widgets.option_list import Option

from player.app import packs
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter

WHERE = (
    "A course pack is a file from the person who made it, such as your therapist or teacher. Install it with "
    "`compassion pack install FILE`; nothing is ever downloaded. Practice from any course counts for your "
    "days in a row; the course you follow decides your weeks and goals."
)


class CoursesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="courses_back"),
        Binding("q", "app.pop_screen", "Back", id="courses_q", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="courses"):
            yield Label("Courses", id="courses-title")
            yield OptionList(id="course-list")
            yield Label("", id="courses-status")
            yield Label(WHERE, id="courses-where")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#course-list", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="courses")
    def load(self) -> None:
        """The courses there are (reading each pack's manifest), off the UI thread."""
        ctx = self.shell.ctx
        try:
            builtin = ctx.catalog.builtin_course().title
        except CompassionError:
            builtin = "The built-in course"
        rows = [(packs.BUILTIN, builtin, "built in")]
        rows += [
            (p.manifest.id, p.manifest.title, f"{p.manifest.version}, by {', '.join(p.manifest.authors)}")
            for p in packs.installed(ctx)
        ]
        self.shell.call_from_thread(self._show, rows, ctx.catalog.followed)

    def _show(self, rows: list[tuple[str, str, str]], followed: str) -> None:
        listing = self.query_one("#course-list", OptionList)
        listing.clear_options()
        for course_id, title, about in rows:
            mark = "● " if course_id == followed else "  "
            listing.add_option(Option(f"{mark}{title} ({about})", id=course_id))
        listing.highlighted = next((i for i, r in enumerate(rows) if r[0] == followed), 0)
        only = len(rows) == 1
        self.query_one("#courses-status", Label).update(
            "Only the built-in course is installed." if only else "Enter follows the highlighted course."
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id or packs.BUILTIN
        status = self.query_one("#courses-status", Label)
        if chosen == self.shell.ctx.catalog.followed:
            status.update("You follow this course already.")
            return
        status.update("Changing course…")
        app = self.shell

        def done(changed, problem: CompassionError | None) -> None:
            if problem is not None:
                app.call_from_thread(status.update, problem.lines()[0])
                return
            app.call_from_thread(app.course_changed)

        app.settings_writer.submit("course", chosen, done)
