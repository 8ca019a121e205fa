"""F1: the keys, and what the app is (and is not)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Markdown

from player.app import wording
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter

HELP = f"""
# Keys

| Where | Key | What it does |
|---|---|---|
| Anywhere | ctrl+q | quit |
| Anywhere | F1 | this help |
| Anywhere | ctrl+p | find a screen or an exercise |
| Lists | up, down, Home, End, Enter | move, first, last, open |
| Home | s | your progress |
| Home | w | your words: phrases and letters |
| Home | o | settings (voice, check-ins, goal, ambience, volume, reminder) |
| Home | c | courses: the one you follow, and the course packs installed |
| Settings | p | hear the voice |
| Progress | r | plan today as a rest day (or take it back) |
| Home | d | dismiss the self-help note |
| Home | q | quit |
| Other screens | escape or q | go back |
| Playing | space | pause or resume |
| Playing | left, right | back or forward ten seconds |
| Playing | up, down | previous or next line (up a moment into a line starts it again) |
| Playing | + and - | louder, softer (remembered) |
| Playing | [ and ] | the ambience softer, louder (when there is one) |
| After a practice | Enter, Tab | choose the highlighted button (Next, Back ...), move between them |
| Playing | escape or q | stop; what you heard is kept |

A practice you stopped part-way can be continued when you open it again within a week ("Continue
from ..."): both parts count together as one session.

# About

{wording.SELF_HELP_NOTICE}

Missing a day is part of any practice. Whenever you come back, you can simply begin again.
"""


class HelpScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="help_back"),
        Binding("q", "app.pop_screen", "Back", id="help_q", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Markdown(HELP)
        yield KeysFooter()
