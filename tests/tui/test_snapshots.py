"""Snapshots of what each screen looks like (regenerate with `pytest --snapshot-update`, then review)."""

from __future__ import annotations

import pytest

from tests.tui.test_app import done, make_app

#: The smallest window the app claims (60x20), and a roomy one: every screen is pictured at both.
SIZES = pytest.mark.parametrize("size", [(60, 20), (110, 34)], ids=["60x20", "110x34"])

SESSIONS = [
    done("soothing-rhythm-breathing", 16),
    done("three-systems-check-in", 17),
    done("soothing-touch", 18),
    done("soothing-touch", 19),
    done("safe-place", 22, 2),
    done("soles-of-the-feet", 23, 2),
]


async def _ready(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await _steady(pilot)


async def _steady(pilot):
    """Cursors stop blinking (shown), so a picture never depends on how long the machine took to get here."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


async def _playing(pilot, target: str):
    """Open a practice from home and wait until it plays with all its speech made (a seek lands only
    where speech is made): its screen and its run."""
    await _ready(pilot)
    home_screen = pilot.app.screen
    pilot.app.open_target(target)
    for _ in range(400):
        if pilot.app.screen is not home_screen:
            break
        await pilot.pause(0.05)
    screen = pilot.app.screen
    for _ in range(400):
        if screen.practice is not None:
            break
        await pilot.pause(0.05)
    made = screen.practice.session.synthesis
    while made.done < made.total:
        await pilot.pause(0.05)
    return screen, screen.practice


@SIZES
def test_home_snapshot(home, snap_compare, size):
    assert snap_compare(make_app(home, sessions=SESSIONS), terminal_size=size, run_before=_ready)


@SIZES
def test_week_snapshot(home, snap_compare, size):
    async def open_week(pilot):
        await _ready(pilot)
        await pilot.press("enter")
        await _ready(pilot)

    assert snap_compare(make_app(home, sessions=SESSIONS), terminal_size=size, run_before=open_week)


@SIZES
def test_stats_snapshot(home, snap_compare, size):
    from dataclasses import replace

    moods = [(3, 6), (None, 5), (4, 7), (5, 5), (2, 6), (6, 9)]
    felt = [replace(s, mood_before=b, mood_after=a) for s, (b, a) in zip(SESSIONS, moods, strict=True)]

    async def open_stats(pilot):
        await _ready(pilot)
        await pilot.press("s")
        await _ready(pilot)

    app = make_app(home, sessions=felt, check_in=True)
    assert snap_compare(app, terminal_size=size, run_before=open_stats)


@SIZES
def test_player_snapshot(home, snap_compare, size):
    async def play_and_pause(pilot):
        screen, run = await _playing(pilot, "soothing-touch")
        run.player.pause()
        run.player.seek(run.captions.cues[2].start + 1.0)
        screen.refresh_position()
        await pilot.pause()
        await _steady(pilot)
        await pilot.pause()

    assert snap_compare(make_app(home), terminal_size=size, run_before=play_and_pause)


@SIZES
def test_timer_choices_snapshot(home, snap_compare, size):
    async def open_timer(pilot):
        await _ready(pilot)
        pilot.app.choose_timer()
        await _ready(pilot)

    assert snap_compare(make_app(home), terminal_size=size, run_before=open_timer)


def test_continue_or_start_again_snapshot(home, snap_compare):
    from datetime import timedelta

    from player.core.session import Session
    from tests.conftest import NOW

    stopped = Session(
        "safe-place",
        NOW - timedelta(hours=2),
        900,
        372,
        "app",
        2,
        15.0,
        position_s=372.0,
        heard=((0.0, 372.0),),
        audio_key="x",
        part_s=372.0,
    )

    async def reopen(pilot):
        await _ready(pilot)
        home_screen = pilot.app.screen
        pilot.app.open_target("safe-place")
        for _ in range(400):
            if pilot.app.screen is not home_screen:
                break
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(make_app(home, sessions=[stopped]), terminal_size=(100, 30), run_before=reopen)


@SIZES
def test_your_words_snapshot(home, snap_compare, size):
    from player.app import context, words

    ctx = context.open_context(home)
    words.set_phrases(ctx, ["May I be my own friend.", "May I rest when I am tired.", "This matters, and so do I."])
    words.save_letter(ctx, "Dear me, I see how hard this has been. You kept going anyway.")

    async def open_words(pilot):
        await _ready(pilot)
        await pilot.press("w")
        await _ready(pilot)
        screen = pilot.app.screen
        for _ in range(200):
            if screen.query_one("#letters").children and str(screen.query_one("#words-status").render()):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        await _steady(pilot)

    assert snap_compare(make_app(home), terminal_size=size, run_before=open_words)


@SIZES
def test_letter_editor_snapshot(home, snap_compare, size):
    async def write(pilot):
        await _ready(pilot)
        pilot.app.action_open_words("letter")
        await _ready(pilot)
        await pilot.press(*"Dear me, this has been a hard week.")
        await pilot.press("enter", "enter", *"You are doing more than you know.")
        await pilot.pause()
        await _steady(pilot)
        await pilot.pause()

    assert snap_compare(make_app(home), terminal_size=size, run_before=write)


@SIZES
def test_settings_snapshot(home, snap_compare, size):
    async def open_settings(pilot):
        await _ready(pilot)
        await pilot.press("o")
        await _ready(pilot)

    assert snap_compare(make_app(home), terminal_size=size, run_before=open_settings)


@SIZES
def test_closing_snapshot(home, snap_compare, size):
    """The end of a practice: the kind words and every button, whole."""

    async def play_to_the_end(pilot):
        screen, run = await _playing(pilot, "soothing-touch")
        run.player.seek(run.session.duration - 0.2)
        for _ in range(400):
            if screen.query_one("#closing").display and screen.focused is not None:
                break
            await pilot.pause(0.05)
        await _ready(pilot)

    assert snap_compare(make_app(home, sessions=SESSIONS), terminal_size=size, run_before=play_to_the_end)
