"""Convert a file…: a script someone already has (text, Markdown, SSML or step JSON), read and shown with
its report, then kept in My scripts as `mine:NAME`. Reading runs off the UI thread."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Static

from player.app import convert as converting
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter


class ConvertScreen(Screen[str | None]):
    """Dismissed with the new script's id once it is kept, or None."""

    BINDINGS = [Binding("escape", "back", "Back", id="convert_back")]

    def __init__(self) -> None:
        super().__init__()
        self.result: converting.Result | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="convert"):
            yield Label("Convert a file", id="convert-title")
            yield Label(
                "A script you already have, as plain text with pause markers, Markdown, SSML or step JSON. "
                "Nothing is kept until you choose to.",
                classes="convert-note",
            )
            yield Input(placeholder="the file's path, like ~/scripts/evening.md", id="convert-path")
            with Horizontal(id="convert-buttons"):
                yield Button("Read it", id="convert-read", variant="primary")
                yield Button("Keep in My scripts", id="convert-keep", disabled=True)
            yield Static("", id="convert-report")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#convert-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.read_file(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "convert-read":
            self.read_file(self.query_one("#convert-path", Input).value)
        elif event.button.id == "convert-keep":
            self.keep()

    @work(thread=True, exclusive=True, group="convert")
    def read_file(self, typed: str) -> None:
        app = self.shell
        app.call_from_thread(self._show, Text("Reading…"), None)
        try:
            result = converting.convert(app.ctx, Path(typed.strip()).expanduser())
        except CompassionError as exc:
            app.call_from_thread(self._show, Text("\n".join(exc.lines()) + (f"\n{exc.hint}" if exc.hint else "")), None)
            return
        app.call_from_thread(self._show, Text("\n".join(result.report())), result)

    def _show(self, report: Text, result: converting.Result | None) -> None:
        self.result = result
        self.query_one("#convert-report", Static).update(report)
        keep = self.query_one("#convert-keep", Button)
        keep.disabled = result is None
        if result is not None:
            keep.focus()

    @work(thread=True, exclusive=True, group="convert")
    def keep(self) -> None:
        app = self.shell
        if self.result is None:
            return
        try:
            saved = converting.save_as_mine(app.ctx, self.result)
        except CompassionError as exc:
            app.call_from_thread(self._show, Text(exc.lines()[0]), self.result)
            return
        app.call_from_thread(app.notify, f"Kept in My scripts as mine:{saved.stem}.", timeout=8)
        app.call_from_thread(self.dismiss, f"mine:{saved.stem}")

    def action_back(self) -> None:
        self.dismiss(None)
