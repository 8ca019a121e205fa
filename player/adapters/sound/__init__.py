"""Audio: raw PCM helpers, sound assets, timelines, streaming assembly, captions and export."""
