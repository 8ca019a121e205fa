"""The pure core: the script and course model, timeline maths, the calendar, progress rules and the
session record. Nothing here reads the clock, touches files or starts threads."""
