"""The file formats the app writes: the one list each, for the command line and the writers alike."""

from __future__ import annotations

#: Audio a render can be written as (all but wav through ffmpeg).
AUDIO_FORMATS = ("wav", "mp3", "ogg", "flac")
#: Captions beside a render.
CAPTION_FORMATS = ("vtt", "lrc", "none")
