"""Your words in the app at real size: a six-paragraph letter plays at every length the picker offers, and
the letter editor makes one letter however its saves meet."""

from __future__ import annotations

import threading

import pytest

from player.app import context, library, words
from player.tui.screens.length import LengthScreen
from player.tui.screens.player import PlayerScreen
from tests.letters import letter
from tests.tui.test_app import make_app, open_target, settle, wait_for


async def test_a_six_paragraph_letter_plays_at_every_length_the_picker_offers(home):
    ctx = context.open_context(home)
    words.save_letter(ctx, letter(450, 6))
    library.make_own_speech(ctx)  # as `letter set` and the app's editor leave it
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "hearing-your-letter")
        await wait_for(pilot, lambda: isinstance(app.screen, LengthScreen))
        offered = list(app.screen.choices)
        assert len(offered) >= 2 and not app.screen.estimated
        for i, minutes in enumerate(offered):
            if i:
                await open_target(pilot, app, "hearing-your-letter")
                await wait_for(pilot, lambda: isinstance(app.screen, LengthScreen))
            app.screen.query_one("#lengths").highlighted = i
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen))
            screen = app.screen

            def started(screen=screen) -> bool:
                return screen.practice is not None or screen.failed is not None

            await wait_for(pilot, started, timeout=60)
            assert screen.failed is None, screen.failed
            assert screen.practice.session.duration == pytest.approx(minutes * 60, abs=2.0)
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, PlayerScreen))
            await settle(pilot, app)


async def test_escape_while_the_autosave_is_under_way_keeps_one_letter(home, monkeypatch):
    from player.tui.screens.letter import LetterScreen

    real = words.save_letter
    autosaving, release, autosaved = threading.Event(), threading.Event(), threading.Event()

    def save(ctx, text, letter_id=None):
        if threading.current_thread() is threading.main_thread() or autosaving.is_set():
            return real(ctx, text, letter_id)
        autosaving.set()
        release.wait(10)  # the autosave is under way when Escape comes
        try:
            return real(ctx, text, letter_id)
        finally:
            autosaved.set()

    monkeypatch.setattr(words, "save_letter", save)
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        app.action_open_words("letter")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen))
        await pilot.pause()
        await pilot.press(*"Dear me, go gently.")
        await wait_for(pilot, autosaving.is_set)
        threading.Timer(0.3, release.set).start()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LetterScreen))
        await wait_for(pilot, autosaved.is_set)
        await settle(pilot, app)
    kept = words.letters(context.open_context(home))
    assert [x.text for x in kept] == ["Dear me, go gently."]


async def test_enter_keeps_each_phrase_on_its_own_and_clearing_asks_first(home):
    from player.tui.screens.confirm import ConfirmScreen
    from player.tui.screens.words import WordsScreen

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WordsScreen))
        await settle(pilot, app)
        for text in ("May I be gentle with myself.", "May I rest."):
            await pilot.press(*text)
            await pilot.press("enter")  # kept, and on to the next phrase
            await settle(pilot, app)
        await wait_for(pilot, lambda: words.phrases(app.ctx).texts == ("May I be gentle with myself.", "May I rest."))
        assert app.focused is not None and app.focused.id == "phrase-2"
        assert "3. another, if you like" in str(app.focused.placeholder)
        app.screen.query_one("#clear-phrases").press()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")  # Keep them is offered first
        await wait_for(pilot, lambda: isinstance(app.screen, WordsScreen))
        await settle(pilot, app)
        assert len(words.phrases(app.ctx).texts) == 2
        app.screen.query_one("#clear-phrases").press()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: words.phrases(app.ctx).texts == ())
