"""The optional kindness check-in, before and after a session (0 to 10, always skippable)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

QUESTION = "How kind are you being to yourself right now?"


class CheckInScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "skip", "Skip", id="checkin_skip"),
        Binding("s", "skip", "Skip", id="checkin_s", show=False),
    ]

    def __init__(self, before: bool) -> None:
        super().__init__()
        self.before = before

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin-box", classes="dialog"):
            yield Label("A quick check-in" if self.before else "And now?", classes="dialog-title")
            yield Label(f"{QUESTION} 0 is not at all, 10 is very kind. Any answer is fine, or skip it.")
            options = [Option("Skip", id="skip")] + [Option(str(n), id=str(n)) for n in range(11)]
            yield OptionList(*options, id="moods")

    def on_mount(self) -> None:
        self.query_one("#moods", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss(None if chosen is None or chosen == "skip" else int(chosen))

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            self.dismiss(int(event.character))

    def action_skip(self) -> None:
        self.dismiss(None)
