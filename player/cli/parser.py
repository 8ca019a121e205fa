"""The command line's shape: every command, its arguments, and the checks on argument values."""

from __future__ import annotations

import argparse
import math
import re
import sys
from datetime import date
from pathlib import Path

from player import __version__
from player.core import calendar
from player.core.formats import AUDIO_FORMATS, CAPTION_FORMATS
from player.core.script.model import ENGINE_CHOICES

MAX_MINUTES = 24 * 60
COURSE_WORDS_HELP = "the course's own wording instead of your phrases and letter (for a file you mean to share)"


class _Parser(argparse.ArgumentParser):
    def parse_args(self, args=None, namespace=None):
        """Leftover arguments are reported by the command they were given to, so the hint names its --help."""
        found, extra = self.parse_known_args(args, namespace)
        if extra:
            command = getattr(found, "command", None)
            subs = [a for a in self._actions if isinstance(a, argparse._SubParsersAction)]
            owner = subs[0].choices.get(command, self) if subs and command else self
            owner.error(f"unrecognized arguments: {' '.join(extra)}")
        return found

    def error(self, message: str) -> None:  # type: ignore[override]  # exit 2 with one line and a pointer to --help
        self.print_usage(sys.stderr)
        hint = self._did_you_mean(message) or f"run `{self.prog} --help` for details"
        self.exit(2, f"error: {message}\nhint: {hint}\n")

    def _did_you_mean(self, message: str) -> str | None:
        """A close spelling of a mistyped command or option ("lsit", "--minuts"), when there is one."""
        import difflib

        m = re.search(r"invalid choice: '?([^' ]*)'? \(choose from (.*)\)", message)
        if m:
            choices = re.findall(r"'([^']*)'", m.group(2)) or [c.strip() for c in m.group(2).split(",")]
            close = difflib.get_close_matches(m.group(1), choices, n=1)
            return f"did you mean '{close[0]}'?" if close else None
        m = re.search(r"unrecognized arguments: (.*)", message)
        if m:
            known = sorted(_option_strings(self))
            for word in m.group(1).split():
                if word.startswith("-"):
                    close = difflib.get_close_matches(word.split("=")[0], known, n=1)
                    if close and close[0] != word.split("=")[0]:  # an option of another command: --help says
                        return f"did you mean {close[0]}?"
        return None


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option of `parser` and of its commands."""
    found = set(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


def minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of minutes") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of minutes")
    if value <= 0:
        raise argparse.ArgumentTypeError("minutes must be more than 0")
    if value > MAX_MINUTES:
        raise argparse.ArgumentTypeError(
            f"{text} minutes is more than a day; the most is {MAX_MINUTES} (each exercise shows its own range "
            "in `compassion list`)"
        )
    return value


def mood(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a check-in is a whole number from 0 to 10") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError("a check-in is a whole number from 0 to 10")
    return value


def day(text: str) -> date:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-24") from None
    if not calendar.in_range(value):
        raise argparse.ArgumentTypeError(f"{text} is outside the dates the app keeps, {calendar.range_text()}")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds (0 or more)")
    return value


def _terminal_options(p: argparse.ArgumentParser) -> None:
    """How a session shows in the plain terminal (play and timer alike)."""
    p.add_argument(
        "--plain",
        action="store_true",
        help="for screen readers and logs: each caption once on its own line, nothing redrawn, no colour "
        "(automatic when the output is not a terminal, or TERM=dumb)",
    )
    p.add_argument("--times", action="store_true", help="in plain mode, put each caption's time before it")
    p.add_argument("--announce-pauses", action="store_true", help='in plain mode, say "pause, 20 seconds" once')


class _Command:
    """What runs a command: `player.cli.<module>.<name>`, imported only once that command is run, so
    building the parser loads no command's code."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = f"player.cli.{module}", name

    def __call__(self, args: argparse.Namespace) -> int:
        from importlib import import_module

        return int(getattr(import_module(self.module), self.name)(args))


def build_parser() -> argparse.ArgumentParser:
    data_help = "keep progress and settings in DIR (env COMPASSION_DATA_DIR)"
    # --data-dir may come before or after the command. After it, a command's own parser must not reset
    # what was given before it, so there it has no default at all.
    common = _Parser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=data_help)

    parser = _Parser(
        prog="compassion",
        description="Guided compassionate-mind practice: play, render and track an 8-week course.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help=data_help)
    parser.add_argument("--version", action="version", version=f"compassion-player {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    engine_help = "speech engine (default from settings; auto is the neural voice when installed)"

    p = sub.add_parser("render", parents=[common], help="render an exercise, a week or the course to audio files")
    p.add_argument("target", metavar="TARGET", help="exercise id, path to a .toml script, week:N, or course")
    p.add_argument("-o", "--output", metavar="OUT", type=Path, help="output file (or folder for week:N / course)")
    p.add_argument(
        "--format", choices=(*AUDIO_FORMATS, "m4b"), help="audio format (default: from OUT, else wav; m4b: audiobook)"
    )
    p.add_argument(
        "--single-file",
        action="store_true",
        help="week:N or course as ONE file with a chapter per practice (m4b audiobook, or mp3 with chapters)",
    )
    p.add_argument("--minutes", type=minutes, metavar="N", help="stretch the elastic pauses to make N minutes")
    p.add_argument("--captions", choices=CAPTION_FORMATS, default="vtt", help="caption sidecar (default vtt)")
    p.add_argument("--engine", choices=ENGINE_CHOICES, help=engine_help)
    p.add_argument("--background", metavar="NAME", help="ambience under the session (brown, rain, drone) or none")
    p.add_argument("--course-words", action="store_true", help=COURSE_WORDS_HELP)
    p.set_defaults(func=_Command("render", "cmd_render"))

    p = sub.add_parser("convert", parents=[common], help="turn a text, Markdown, SSML or JSON script into ours")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("-o", "--output", type=Path, metavar="OUT.toml", help="write it here (default: standard output)")
    p.add_argument("--from", dest="fmt", choices=("text", "markdown", "ssml", "json"), help="the file's format")
    p.set_defaults(func=_Command("library", "cmd_convert"))

    p = sub.add_parser("validate", parents=[common], help="check scripts and report every problem with its line")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.set_defaults(func=_Command("library", "cmd_validate"))

    p = sub.add_parser("info", parents=[common], help="describe an exercise or a week: steps, speech, lengths")
    p.add_argument("target", metavar="TARGET", help="exercise id, path to a .toml script, or week:N")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--engine", choices=ENGINE_CHOICES, help="speech engine the lengths are for")
    p.set_defaults(func=_Command("library", "cmd_info"))

    p = sub.add_parser("list", parents=[common], help="the course's weeks and exercises, and your own scripts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--engine", choices=ENGINE_CHOICES, help="speech engine the lengths are for")
    p.set_defaults(func=_Command("library", "cmd_list"))

    p = sub.add_parser("play", parents=[common], help="play an exercise with live captions")
    p.add_argument("target", metavar="TARGET", help="exercise id or path to a .toml script")
    p.add_argument("--minutes", type=minutes, metavar="N", help="length in minutes (within the exercise's range)")
    p.add_argument("--no-audio", action="store_true", help="play silently, captions only")
    p.add_argument("--no-tui", action="store_true", help="play in the plain terminal (Ctrl-C stops)")
    p.add_argument("--resume", action="store_true", help="continue where you stopped it last time")
    _terminal_options(p)
    p.add_argument("--engine", choices=ENGINE_CHOICES, help=engine_help)
    p.add_argument("--background", metavar="NAME", help="ambience under the session (brown, rain, drone) or none")
    p.add_argument("--course-words", action="store_true", help=COURSE_WORDS_HELP)
    p.set_defaults(func=_Command("practice", "cmd_play"))

    p = sub.add_parser("timer", parents=[common], help="an unguided timer with an opening, interval and closing bell")
    p.add_argument("minutes", type=minutes, metavar="MINUTES", help="from the opening bell to the closing bell")
    p.add_argument("--every", type=float, metavar="M", help="a bell every M minutes (default: none between)")
    p.add_argument("--bell", metavar="NAME", help="bowl, bell, chime or one of your own (default: bowl)")
    p.add_argument("--prepare", type=int, metavar="S", help="seconds of quiet before the opening bell (default 0)")
    p.add_argument("--background", metavar="NAME", help="ambience under the timer (brown, rain, drone) or none")
    p.add_argument("-o", "--output", metavar="OUT", type=Path, help="write an audio file instead of playing")
    p.add_argument("--format", choices=AUDIO_FORMATS, help="audio format with -o (default: from OUT, else wav)")
    p.add_argument("--no-audio", action="store_true", help="play silently")
    p.add_argument("--no-tui", action="store_true", help="play in the plain terminal (Ctrl-C stops)")
    _terminal_options(p)
    p.set_defaults(func=_Command("practice", "cmd_timer"))

    p = sub.add_parser("voices", parents=[common], help="every voice of every installed speech engine")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", metavar="CODE", help="only voices for this language, like en or en-gb")
    p.set_defaults(func=_Command("library", "cmd_voices"))

    p = sub.add_parser("record", parents=[common], help="log practice done elsewhere (for example with rendered files)")
    p.add_argument("target", metavar="EXERCISE", help="exercise id or path to a .toml script")
    p.add_argument("--at", metavar="WHEN", help="when it started, ISO-8601 with offset (default: now)")
    p.add_argument("--minutes", type=minutes, metavar="M", help="how long it was (default: its shortest length)")
    p.add_argument("--partial", action="store_true", help="you stopped early; give --listened")
    p.add_argument("--listened", type=seconds, metavar="S", help="seconds you listened to")
    p.add_argument("--mood-before", type=mood, metavar="0-10", help="check-in before: how kind to yourself, 0 to 10")
    p.add_argument("--mood-after", type=mood, metavar="0-10", help="check-in after, 0 to 10")
    p.set_defaults(func=_Command("practice", "cmd_record"))

    p = sub.add_parser("stats", parents=[common], help="streaks, totals and course progress")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--today", type=day, metavar="YYYY-MM-DD", help="evaluate as of this practice date")
    p.set_defaults(func=_Command("progress", "cmd_stats"))

    p = sub.add_parser("rest", parents=[common], help="plan a rest day: it keeps your days in a row going")
    p.add_argument("date", nargs="?", type=day, metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--undo", action="store_true", help="take back a planned rest day")
    p.set_defaults(func=_Command("progress", "cmd_rest"))

    p = sub.add_parser(
        "remind", parents=[common], help="a calendar file that reminds you to practise (any calendar app)"
    )
    p.add_argument("--at", required=True, metavar="HH:MM", help="the time of day, 24-hour clock")
    p.add_argument("--days", metavar="mon,tue,...", help="which days of the week (default: every day)")
    p.add_argument(
        "-o",
        "--output",
        default="compassion-reminder.ics",
        metavar="FILE.ics",
        help="where to write it ('-': print it)",
    )
    p.set_defaults(func=_Command("progress", "cmd_remind"))

    p = sub.add_parser("history", parents=[common], help="every session you have recorded")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--since", type=day, metavar="YYYY-MM-DD", help="only from this practice date on")
    p.set_defaults(func=_Command("progress", "cmd_history"))

    p = sub.add_parser("export", parents=[common], help="save all your sessions to a JSON file you own")
    p.add_argument("file", metavar="FILE.json", type=Path)
    p.add_argument("--no-personal", action="store_true", help="leave out your phrases and letters")
    p.set_defaults(func=_Command("progress", "cmd_export"))

    p = sub.add_parser("import", parents=[common], help="add sessions from an export file (duplicates skipped)")
    p.add_argument("file", metavar="FILE.json", type=Path)
    p.set_defaults(func=_Command("progress", "cmd_import"))

    p = sub.add_parser("cache", parents=[common], help="how much disk space made speech takes, or clear it")
    p.add_argument("action", nargs="?", choices=("show", "clear"), default="show", help="show (default) or clear")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_Command("settings", "cmd_cache"))

    p = sub.add_parser("phrases", parents=[common], help="your own kind phrases, spoken in the practices that use them")
    p.add_argument(
        "action", nargs="?", choices=("show", "set", "edit", "clear"), help="show (default), set, edit or clear"
    )
    p.add_argument(
        "texts",
        nargs="*",
        metavar="PHRASE",
        help="with set: - to read one phrase a line from standard input (or each phrase in quotes)",
    )
    p.set_defaults(func=_Command("words", "cmd_phrases"))

    p = sub.add_parser("letter", parents=[common], help="your compassionate letter, kept with its date")
    p.add_argument(
        "action",
        nargs="?",
        choices=("show", "list", "edit", "set", "clear"),
        help="show (default), list, edit, set or clear",
    )
    p.add_argument("number", nargs="?", type=int, metavar="N", help="with show: which letter (see letter list)")
    p.add_argument(
        "--file",
        type=str,
        metavar="F",
        help="with set: a text file holding the letter (- reads it from standard input)",
    )
    p.add_argument("--yes", action="store_true", help="with clear: do not ask first")
    p.set_defaults(func=_Command("words", "cmd_letter"))

    p = sub.add_parser("config", parents=[common], help="show or change settings")
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=("get", "set", "list"),
        help="list (default), get KEY, set KEY VALUE",
    )
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE")
    p.set_defaults(func=_Command("settings", "cmd_config"))
    _pack_commands(sub, common)
    return parser


def _pack_commands(sub, common) -> None:
    """`pack` and `course`: a course made by a clinician or teacher, handed over as one file."""
    p = sub.add_parser("pack", parents=[common], help="make, check, build, install, list or remove course packs")
    p.add_argument("action", choices=("new", "check", "build", "install", "list", "remove"))
    p.add_argument("path", nargs="?", metavar="PATH", help="a pack folder, a .cpack file, or (remove) an id")
    p.add_argument("--id", help="with new: the pack's id, like org.example.gentle-start")
    p.add_argument("--title", help="with new: the course's title")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="with build: the .cpack file to write")
    p.add_argument("--force", action="store_true", help="with install: install an equal or older version too")
    p.add_argument("--json", action="store_true", help="with list: print JSON")
    p.set_defaults(func=_Command("packs", "cmd_pack"))

    p = sub.add_parser("course", parents=[common], help="show the course you follow, or follow another")
    p.add_argument("id", nargs="?", metavar="ID", help="builtin, or an installed pack's id")
    p.set_defaults(func=_Command("packs", "cmd_course"))
