"""The player's keys: grouped and short, so that every key (Stop and Help too) shows at 60 columns."""

from __future__ import annotations

from textual.binding import Binding

SKIP = Binding.Group("10 s", compact=True)
LINES = Binding.Group("Line", compact=True)
VOLUME = Binding.Group("Volume", compact=True)
AMBIENCE = Binding.Group("Ambience", compact=True)
PLAYER: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("space", "pause_or_resume", "Pause", id="toggle"),
    Binding("escape", "leave", "Stop", id="stop"),
    Binding("q", "leave", "Stop", id="stop_q", show=False),
    Binding("escape", "back", "Back", id="back"),
    Binding("q", "back", "Back", id="back_q", show=False),
    Binding("left", "skip(-10)", "-10 s", id="back10", group=SKIP),
    Binding("right", "skip(10)", "+10 s", id="fwd10", group=SKIP),
    Binding("up", "previous_line", "Previous line", id="prev_line", group=LINES),
    Binding("down", "next_line", "Next line", id="next_line", group=LINES),
    Binding("minus", "louder(-1)", "Softer", id="softer", key_display="-", group=VOLUME),
    Binding("plus,equals_sign", "louder(1)", "Louder", id="louder", key_display="+", group=VOLUME),
    Binding("left_square_bracket", "ambience(-1)", "Ambience down", id="amb_down", group=AMBIENCE),
    Binding("right_square_bracket", "ambience(1)", "Ambience up", id="amb_up", group=AMBIENCE),
]
#: What the keys do while a practice plays; once it has ended, only going back is left.
PLAYING_ACTIONS = frozenset({"pause_or_resume", "skip", "previous_line", "next_line", "leave", "louder", "ambience"})
