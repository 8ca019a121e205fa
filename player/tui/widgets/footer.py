"""The footer every screen shows: the screen's keys first. Under 80 columns they take the whole line; the
command palette stays on ctrl+p, and F1 lists every key."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Footer

#: Narrower than this, the footer leaves out the palette's key to keep the screen's own keys whole.
WIDE_FROM = 80


class KeysFooter(Footer):
    def bindings_changed(self, screen: Screen) -> None:
        """The keys follow what the screen offers now, whether or not the terminal says it has focus (one
        that reports focus may say it has none while the listener is reading it, and the footer would go on
        offering keys that no longer do anything)."""
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE_FROM
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self.call_later(self.recompose)
