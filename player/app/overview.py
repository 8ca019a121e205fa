"""What the course and the user's scripts hold, and how long each can run: `info` and `list`.

No speech is made to answer: lengths are exact from made speech or the durations manifest, else
estimated from the words and marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from player.adapters.catalog import Entry
from player.app import progress
from player.app.context import Context
from player.app.library import plan, resolve_script
from player.core import ids
from player.core import progress as core_progress
from player.core.errors import CompassionError
from player.core.progress import goal_for
from player.core.script.model import Script, Speech


def exercise_info(ctx: Context, entry: Entry, script: Script, engine: str | None = None) -> dict[str, Any]:
    """Everything `compassion info` tells about one exercise (no speech is made to tell it)."""
    from player.core.script.model import Gap

    p = plan(ctx, script, engine, synthesize=False)
    events = [s.event for s in p.items]
    gaps = [e.pause for e in events if isinstance(e, Gap)]
    lo, hi = p.range_minutes()
    low_s, high_s = p.range_seconds()
    return {
        "id": entry.ident.shown if entry.ident.kind is ids.Kind.PACK else script.id,
        "title": script.title,
        "summary": script.summary,
        "kind": script.kind,
        "week": entry.week,
        "path": str(entry.path),
        "steps": len(script.steps),
        "spoken_segments": sum(1 for e in events if isinstance(e, Speech)),
        "pause_seconds": {"min": round(sum(g.low for g in gaps), 1), "max": round(sum(g.high for g in gaps), 1)},
        "engine": p.voice.engine,
        "duration_seconds": {"min": round(low_s, 1), "max": round(high_s, 1)},
        "min_minutes": lo,
        "max_minutes": hi,
        "exact": p.exact,
        "recorded_lines": len(script.recordings()),
        **_pack_of(ctx, entry),
        **_your_words(ctx, script),
    }


def _pack_of(ctx: Context, entry: Entry) -> dict[str, Any]:
    """For a practice of a course pack: the pack, who made it, and its license."""
    if entry.ident.kind is not ids.Kind.PACK:
        return {}
    from player.adapters import packs

    pack_id = entry.ident.name.split("/", 1)[0]
    m = packs.load(ctx.catalog.packs()[pack_id]).manifest
    return {
        "pack": {"id": m.id, "title": m.title, "version": m.version, "authors": list(m.authors), "license": m.license}
    }


def _your_words(ctx: Context, script: Script) -> dict[str, Any]:
    """For a practice that speaks the listener's words: how many phrases and whether there is a letter
    (never the words themselves)."""
    if not script.uses_words:
        return {}
    from player.app import words

    used = script.words_used
    out: dict[str, Any] = {"speaks_your_words": ctx.settings.my_words}
    if "phrases" in used:
        out["your_phrases"] = len(words.phrases(ctx).texts)
    if "letter" in used:
        latest = words.latest_letter(ctx)
        out["your_letter"] = ctx.day_of(latest.written_at).isoformat() if latest else None
    return out


def exercise_summary(ctx: Context, entry: Entry, script: Script, engine: str | None = None) -> dict[str, Any]:
    """One exercise as `list --json` shows it. Its range is what `render --minutes` accepts: exact from
    made speech or the durations manifest, else estimated from the words (`"exact": false`)."""
    p = plan(ctx, script, engine, synthesize=False)
    lo, hi = p.range_minutes()
    return {
        "id": entry.ident.shown,
        "title": script.title,
        "kind": script.kind or "",
        "min_minutes": lo,
        "max_minutes": hi,
        "exact": p.exact,
    }


def course_listing(ctx: Context, engine: str | None = None) -> dict[str, Any]:
    """The course and the user's own scripts, as `compassion list --json` prints them (no speech is made)."""
    course = ctx.catalog.course
    entries = ctx.catalog.course_entries()
    weeks = []
    for week in course.weeks:
        exercises = []
        for ex in week.practices:
            entry = entries[ex]
            summary = exercise_summary(ctx, entry, ctx.catalog.load(entry), engine)
            exercises.append({**summary, "extra": True} if ex in week.extras else summary)
        weeks.append(
            {
                "number": week.number,
                "theme": week.theme,
                "intention": week.intention,
                "goal_days": goal_for(week, ctx.settings.weekly_goal_days or None),
                "exercises": exercises,
            }
        )
    mine = []
    for item in ctx.catalog.my_scripts():
        if item.script is None:
            mine.append(
                {
                    "id": item.entry.id,
                    "path": str(item.entry.path),
                    "error": item.error.lines()[0] if item.error else "",
                }
            )
        else:
            summary = exercise_summary(ctx, item.entry, item.script, engine)
            mine.append({**summary, "path": str(item.entry.path)})
    return {"title": course.title, "weeks": weeks, "my_scripts": mine}


@dataclass(frozen=True)
class WhatNext:
    """What the closing screen says and offers after a practice."""

    #: (id, title) to offer next: the current week's next practice not done yet, or one to repeat.
    next_up: tuple[str, str] | None
    #: What this session counts for, in a sentence ("" when it counts for nothing yet).
    counts: str
    #: What is left of the current course week, when its practices are all done ("" otherwise).
    nudge: str = ""
    #: Whether `next_up` is a practice to repeat (its button says so).
    repeat: bool = False


def what_next(ctx: Context, just_done: str, completed: bool) -> WhatNext:
    """The closing words and the one practice to offer after `just_done` (a session completed or not)."""
    try:
        weeks = list(ctx.catalog.course.weeks)
    except CompassionError:
        return WhatNext(None, "")
    st = progress.stats(ctx)
    found = core_progress.next_practice(weeks, st.states, just_done)
    number = ctx.catalog.course.week_of(just_done)
    state = next((s for s in st.states if s.number == number), None)
    week = next((w for w in weeks if w.number == number), None)
    if not completed:
        counts = ""
    elif week is None or state is None:
        counts = "This session has been added to your practice days."
    elif just_done in week.extras:
        counts = f"This is an extra of week {number}: it adds a practice day, and week {number} does not need it."
    elif not state.unlocked:
        counts = f"This session adds a practice day. Week {number} is not open yet; it counts there once it opens."
    else:
        counts = f"This session counts towards week {number}."
    current = next((s for s in st.states if s.number == st.current_week), None)
    plan = next((w for w in weeks if w.number == st.current_week), None)
    all_done = current is not None and plan is not None and set(plan.exercises) <= set(current.exercises_done)
    nudge, repeat = "", False
    if found is None and all_done and current is not None and not current.completed:
        left = max(0, current.goal_days - current.days_practiced)
        if left:
            days = "practice day" if left == 1 else "practice days"
            nudge = f"Every practice of week {current.number} is done; {left} more {days} finish the week."
            found = _favourite(ctx, st, just_done)
            repeat = found is not None
    if found is None:
        return WhatNext(None, counts, nudge)
    try:
        _, script = resolve_script(ctx, found)
    except CompassionError:
        return WhatNext(None, counts, nudge)
    return WhatNext((found, script.title), counts, nudge, repeat)


def _favourite(ctx: Context, st: progress.Stats, just_done: str) -> str | None:
    """A practice of the current week to repeat: the one done most often, another than the one just done."""
    week = ctx.catalog.course.week(st.current_week)
    if week is None:
        return None
    order = list(week.exercises)
    choices = sorted(order, key=lambda ex: (-st.per_exercise.get(ex, 0), order.index(ex)))
    return next((ex for ex in choices if ex != just_done), None)
