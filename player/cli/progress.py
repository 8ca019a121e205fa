"""Your progress: `stats`, `history`, `export` and `import`."""

from __future__ import annotations

import argparse
import json
import sys


def cmd_stats(args: argparse.Namespace) -> int:
    from player.app import context, progress

    ctx = context.open_context(args.data_dir)
    st = progress.stats(ctx, args.today)
    if args.json:
        print(json.dumps(st.as_json(), indent=2))
        return 0
    from player.app import wording

    print("\n".join(wording.stats_summary(st, ctx.settings.show_streaks)))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from player.adapters.store.sessions import as_dict
    from player.app import context, progress
    from player.core import ids
    from player.core.calendar import minutes_text

    ctx = context.open_context(args.data_dir)
    installed = ctx.catalog.packs()
    stored = progress.history(ctx)
    starts = {s.id: s.started_at for s in stored}
    rows = [as_dict(s, starts) for s in stored if args.since is None or (s.local_date_ and s.local_date_ >= args.since)]
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    elif args.csv:
        import csv

        fields = [
            "id",
            "exercise_id",
            "week",
            "started_at",
            "local_date",
            "duration_s",
            "listened_s",
            "completed",
            "minutes_variant",
            "mood_before",
            "mood_after",
            "source",
        ]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        if not rows:
            print("No sessions recorded yet. Whenever you are ready, `compassion` opens the course.")
        for r in rows:
            mark = "done" if r["completed"] else f"partial, {minutes_text(r['listened_s'])} heard"
            if r.get("pending"):
                mark += " (waiting to be saved)"
            elif r.get("in_progress"):
                mark += " (playing now)"
            ident = ids.parse(r["exercise_id"])
            if ident.kind is ids.Kind.PACK and ident.name.split("/", 1)[0] not in installed:
                mark += " (from a removed course)"
            print(
                f"{r['local_date']}  {r['started_at'][11:16]}  {ident.shown:<34} "
                f"{minutes_text(r['duration_s']):>18}  {mark}"
            )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from player.app import context, exchange

    n = exchange.export_file(context.open_context(args.data_dir), args.file, personal=not args.no_personal)
    mine = "" if args.no_personal else ", with your phrases and letters"
    print(f"exported {n} session(s){mine} to {args.file} (readable by you only)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from player.app import context, exchange

    done = exchange.import_file(context.open_context(args.data_dir), args.file)
    print(f"imported {done.added} session(s); {done.merged} already present, merged (nothing here is lost)")
    if done.rest_days_added:
        print(f"added {done.rest_days_added} planned rest day(s)")
    if done.letters_added:
        print(f"added {done.letters_added} letter(s) you did not have here")
    if done.phrases == "set":
        print("your phrases from the file are now your phrases")
    elif done.phrases == "kept":
        print("the file has phrases too; yours here were kept as they are")
    return 0


def cmd_rest(args: argparse.Namespace) -> int:
    from player.app import context, progress
    from player.core.calendar import long_day_label

    ctx = context.open_context(args.data_dir)
    day = args.date or ctx.today()
    shown = long_day_label(day)
    if args.undo:
        if progress.unmark_rest(ctx, day):
            print(f"{shown} is no longer a rest day")
        else:
            print(f"{shown} was not a rest day; nothing changed")
        return 0
    progress.mark_rest(ctx, day)
    print(f"{shown} is a rest day. Resting is part of practising: your days in a row carry on across it.")
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from player.adapters import reminder
    from player.app import context, reminders

    at = reminder.parse_time(args.at)
    days = reminder.parse_days(args.days)
    ctx = context.open_context(args.data_dir)
    if args.output == "-":
        data, _ = reminders.calendar(ctx, at, days)
        sys.stdout.buffer.write(data)
        return 0
    written = reminders.write(ctx, at, days, Path(args.output))
    print(f"wrote {written.path}: {written.title}, {written.when}")
    print("Import it into your calendar app (phone or computer); it will remind you, even offline.")
    return 0
