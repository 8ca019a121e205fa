"""Everything that touches the world (the clock, files, the store, speech, sound), each behind a small
interface the use cases call."""
