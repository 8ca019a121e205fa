"""A terminal too small to draw the app in: one calm line instead of widgets drawn on top of each other."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 60, 20


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    """Shown over everything while the window is too small; it goes by itself once it is big enough."""

    BINDINGS = [Binding("escape", "nothing", show=False)]  # the notice goes when the window grows, not before

    def compose(self) -> ComposeResult:
        yield Static(f"Please make this window a little bigger (at least {MIN_WIDTH} × {MIN_HEIGHT}).", id="too-small")

    def on_screen_resume(self) -> None:
        self._check()

    def on_resize(self) -> None:
        self._check()

    def _check(self) -> None:
        size = self.app.size
        if not too_small(size.width, size.height) and self.app.screen is self:
            self.app.pop_screen()

    def action_nothing(self) -> None:
        pass
