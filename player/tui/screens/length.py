"""Choosing how long a practice runs: its elastic pauses stretch to fit."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from player.core.calendar import minutes_text


class LengthScreen(ModalScreen[float | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="length_back"),
        Binding("q", "cancel", "Back", id="length_q", show=False),
    ]

    def __init__(self, title: str, choices: list[float], exact: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.estimated = not exact

    def compose(self) -> ComposeResult:
        with Vertical(id="length-box", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label("How long would you like to practise? Longer means more quiet, not faster talk.")
            yield OptionList(
                *[Option(minutes_text(m * 60, about=self.estimated), id=str(i)) for i, m in enumerate(self.choices)],
                id="lengths",
            )

    def on_mount(self) -> None:
        options = self.query_one("#lengths", OptionList)
        options.highlighted = len(self.choices) // 2 if len(self.choices) > 2 else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)
