"""Settings and the speech cache: `config` and `cache`."""

from __future__ import annotations

import argparse
import json

from player.core.errors import CompassionError


def cmd_cache(args: argparse.Namespace) -> int:
    from player.app import context

    ctx = context.open_context(args.data_dir)
    if args.action == "clear":
        freed = ctx.cache.clear()
        print(f"cleared {freed / 1e6:.1f} MB of made speech from {ctx.cache.base}; it is made again when needed")
        return 0
    usage = ctx.cache.usage()
    limit = ctx.settings.cache_max_mb
    if args.json:
        print(
            json.dumps(
                {
                    "path": str(ctx.cache.base),
                    "entries": usage.entries,
                    "bytes": usage.bytes,
                    "max_bytes": limit * 1024 * 1024,
                },
                indent=2,
            )
        )
        return 0
    print(f"made speech: {usage.entries} lines, {usage.bytes / 1e6:.1f} MB of at most {limit} MB")
    print(f"folder: {ctx.cache.base}")
    print("`compassion cache clear` empties it; `compassion config set cache_max_mb N` changes the limit")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from player.adapters import settings as config
    from player.app import context, preferences

    ctx = context.open_context(args.data_dir)
    values = asdict(ctx.settings)
    if args.action == "list":
        for key, value in values.items():
            print(f"{key} = {_show(value)}    # {config.DESCRIPTIONS[key]}")
        return 0
    if not args.key:
        raise CompassionError(f"config {args.action} needs a KEY", f"settings: {', '.join(values)}")
    if args.action == "get":
        if args.key not in values:
            config.parse_value(args.key, "")  # raises the friendly unknown-setting error
        print(_show(values[args.key]))
        return 0
    if args.value is None:
        raise CompassionError("config set needs a KEY and a VALUE", config.DESCRIPTIONS.get(args.key))
    value = config.parse_value(args.key, args.value)
    changed = preferences.change(ctx, args.key, value)
    print(f"{args.key} = {_show(value)}  (saved in {changed.path})")
    if changed.reminder_said:
        print(changed.reminder_said)
    if args.key in VOICE_KEYS:
        from player.cli.words import make_own_speech

        make_own_speech(ctx)
    return 0


#: Settings that change how the listener's words sound, and so how long their practices last (the pace
#: only for scripts of their own that set none).
VOICE_KEYS = ("voice_engine", "voice", "rate")


def _show(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
