"""Playback of rendered sessions: one Player API over a real (simpleaudio) or silent backend."""
