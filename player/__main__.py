"""`python -m player` runs the same command line as `compassion`."""

from player.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
