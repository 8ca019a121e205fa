"""Practising: `play` (in the app or the plain terminal) and `record` (practice done elsewhere)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from player.cli.output import Progress, Terminal, plain_playback, plain_wanted


def cmd_play(args: argparse.Namespace, open_app: Callable[..., int] | None = None) -> int:
    import concurrent.futures as cf

    from player.adapters import paths
    from player.adapters.playback import device
    from player.app import context, library, practice, progress

    ctx = context.open_context(args.data_dir)
    entry, script = library.resolve_script(ctx, args.target)
    # The same checks whatever the screen: engine, ambience, and a length the exercise can run to (at once
    # when every length is known; after making the speech otherwise).
    library.speak_as(script, ctx.settings, args.engine)
    library.resolve_background(script, args.background)
    no_audio = args.no_audio or paths.audio_disabled()
    resume = _stopped_session(ctx, entry.id, args) if args.resume else None
    minutes = args.minutes if resume is None or args.minutes is not None else resume.minutes_variant
    plain = plain_wanted(args.plain)
    term = Terminal(plain, args.times, args.announce_pauses)
    if not (args.no_tui or plain) and open_app is not None:
        p = library.plan(ctx, script, args.engine, synthesize=False)
        if minutes is not None and p.exact:
            p.check(minutes)
        return open_app(
            ctx,
            no_audio=no_audio,
            play=(entry, script),
            minutes=minutes,
            engine=args.engine,
            background=args.background,
            resume=resume,
        )
    finder = cf.ThreadPoolExecutor(1).submit(device.choose, no_audio)  # look for a device meanwhile
    with Progress(quiet=plain) as bar:
        session = practice.open_session(ctx, entry, script, minutes, args.engine, args.background, bar, resume=resume)
    backend, notice = finder.result()
    if notice:
        print(notice, file=sys.stderr)
    run = practice.Practice(ctx, session, backend, progress.SqliteRecorder(ctx), resume=resume)
    from player.cli.output import clock

    term.say(f"{script.title} ({clock(session.duration)})")
    if run.resume_refused:
        print(
            f"{script.title} has changed since you stopped (its words, voice, length or ambience), so it "
            "starts again from the beginning",
            file=sys.stderr,
        )
    elif run.resume is not None:
        term.say(f"Continuing from {clock(run.resume.position_s or 0)}")
    return plain_playback(run, term)


def _stopped_session(ctx, exercise_id: str, args: argparse.Namespace):
    """The session of this exercise stopped part-way (None, with a word to the user, when there is none)."""
    from player.app import progress

    found = progress.resumable(ctx, exercise_id)
    if found is None:
        print(
            f"there is no stopped session of {exercise_id} from the last week to continue; starting from the beginning",
            file=sys.stderr,
        )
    return found


def cmd_record(args: argparse.Namespace) -> int:
    from player.app import context, library, progress, timer
    from player.core.calendar import minutes_text
    from player.core.errors import CompassionError

    ctx = context.open_context(args.data_dir)
    if args.target == timer.TIMER_ID:  # a sit with a rendered timer, say
        if args.minutes is None:
            raise CompassionError("recording a timer sit needs its length", "add --minutes, like --minutes 10")
        entry, title = timer.entry(), "Timer"
        duration = args.minutes * 60
    else:
        entry, script = library.resolve_script(ctx, args.target)
        title = script.title
        if args.minutes is not None:
            duration = args.minutes * 60
        else:
            duration = library.plan(ctx, script, synthesize=False).range_seconds()[0]
    at = progress.parse_at(args.at) if args.at else ctx.now()
    session, completed = progress.record_manual(
        ctx, entry, duration, at, args.partial, args.listened, (args.mood_before, args.mood_after)
    )
    day = session.local_date(ctx.settings.day_start_minutes)
    kind = "completed" if completed else f"partial, {minutes_text(session.listened_s)} listened"
    print(f"recorded {title} ({entry.id}), {minutes_text(duration)}, {kind}, practice day {day.isoformat()}")
    return 0


def cmd_timer(args: argparse.Namespace, open_app: Callable[..., int] | None = None) -> int:
    """An unguided timer: rendered with -o, else played (in the app, or the plain terminal)."""
    import concurrent.futures as cf

    from player.adapters import paths
    from player.adapters.playback import device
    from player.app import context, practice, progress, render, timer

    ctx = context.open_context(args.data_dir)
    last = timer.last_used(ctx)
    spec = timer.TimerSpec(
        args.minutes,
        last.every if args.every is None else args.every,
        args.bell or last.bell,
        last.prepare if args.prepare is None else args.prepare,
    )
    session = timer.open_session(ctx, spec, args.background)  # checks everything before anything starts
    if args.output is not None:
        fmt = render.output_format(args.output, args.format)
        out = render.output_path("timer", args.output, fmt)
        print(timer.render(ctx, spec, out, fmt, args.background))
        return 0
    timer.remember(ctx, spec)
    no_audio = args.no_audio or paths.audio_disabled()
    plain = plain_wanted(args.plain)
    term = Terminal(plain, args.times, args.announce_pauses)
    if not (args.no_tui or plain) and open_app is not None:
        return open_app(ctx, no_audio=no_audio, timer=spec, background=args.background)
    backend, notice = cf.ThreadPoolExecutor(1).submit(device.choose, no_audio).result()
    if notice:
        print(notice, file=sys.stderr)
    captions = practice.Captions(tuple(timer.cues(spec)))
    run = practice.Practice(ctx, session, backend, progress.SqliteRecorder(ctx), captions=captions)
    term.say(f"{spec.title}" + (f", starting in {spec.prepare} seconds" if spec.prepare else ""))
    return plain_playback(run, term)
