"""The footer every screen shows: the screen's keys first. Under 80 columns they take the whole line; the
command palette stays on ctrl+p, and F1 lists every key."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

#: Narrower than this, the footer leaves out the palette's key to keep the screen's own keys whole.
WIDE_FROM = 80


class KeysFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE_FROM
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self.call_later(self.recompose)
