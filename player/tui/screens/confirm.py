"""Asking before something that cannot be undone: the choice is made where the eye already is."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True (go ahead) or False (keep things as they are; Escape too). Keeping is offered
    first, so Enter pressed out of habit changes nothing."""

    BINDINGS = [
        Binding("escape", "keep", "Back", id="confirm_back"),
        Binding("q", "keep", "Back", id="confirm_q", show=False),
    ]

    def __init__(self, question: str, go: str, keep: str) -> None:
        super().__init__()
        self.question = question
        self.go, self.keep = go, keep

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield OptionList(Option(self.keep, id="keep"), Option(self.go, id="go"), id="confirm-choices")

    def on_mount(self) -> None:
        choices = self.query_one("#confirm-choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id == "go")

    def action_keep(self) -> None:
        self.dismiss(False)
