"""Streaming a timeline to an audio file: WAV directly, MP3/Ogg/FLAC through ffmpeg.

The PCM is produced piece by piece and written as it is made, so a sixty-minute session needs no more
memory than a one-minute one. Output goes to a temporary name and is renamed only when complete.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from player.adapters.files import atomic_path
from player.core.errors import MissingTool, WorkFailed
from player.core.formats import AUDIO_FORMATS
from player.core.timeline import Clip, Timeline

FORMATS = AUDIO_FORMATS
_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "96k", "-f", "mp3"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "4", "-f", "ogg"],
    "flac": ["-c:a", "flac", "-f", "flac"],
    # An audiobook: AAC in MP4 (the iPod flavour phones' audiobook players expect), index at the front.
    "m4b": ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "ipod"],
}
_SILENCE_BLOCK = bytes(2 * 22050)

Source = Callable[[Clip], bytes]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Tags:
    title: str
    album: str = ""
    artist: str = "compassion-player"
    track: str = ""
    genre: str = "Meditation"

    def items(self) -> dict[str, str]:
        """The tags that have a value, by their common (Vorbis / easy ID3) names."""
        names = {"title": "title", "album": "album", "artist": "artist", "track": "tracknumber", "genre": "genre"}
        return {names[k]: v for k in names if (v := getattr(self, k))}


def write_tags(path: Path, tags: Tags) -> None:
    """Tag an encoded file (MP3 as ID3v2, Ogg and FLAC as Vorbis comments) with mutagen."""
    import mutagen

    try:
        f = mutagen.File(str(path), easy=True)
        if f is None:
            raise WorkFailed(f"cannot tag {path}: the encoder wrote an unknown format", "try --format wav")
        if f.tags is None:
            f.add_tags()
        for key, value in tags.items().items():
            f[key] = [value]
        f.save()
    except mutagen.MutagenError as exc:
        raise WorkFailed(f"cannot tag {path}: {exc}", "try --format wav") from None


def ffmpeg_path() -> str | None:
    """The ffmpeg program, found the way pydub finds it (its converter setting first, then PATH)."""
    from pydub import AudioSegment

    conv = AudioSegment.converter
    return shutil.which(conv) or shutil.which("ffmpeg")


def require_ffmpeg(fmt: str) -> str:
    exe = ffmpeg_path()
    if exe is None:
        raise MissingTool(
            f"ffmpeg is needed to write {fmt} files and it is not installed",
            "install it with `sudo apt-get install ffmpeg` (macOS: `brew install ffmpeg`), or use --format wav",
        )
    return exe


def pcm_chunks(timeline: Timeline, source: Source, progress: Progress | None = None) -> Iterator[bytes]:
    """The session's PCM in pieces, in order.

    Every sound is whole: speech was trimmed with short fades and bells ring out in their own files, and
    the timeline ends in silence, so nothing needs cutting or fading here.
    """
    total = timeline.total
    written = 0
    for clip in timeline.clips:
        if clip.kind == "silence":
            yield from _silence(clip.length)
        else:
            data = source(clip)
            if len(data) != clip.length * 2:
                raise WorkFailed(f"a sound changed size while rendering ({clip.ref})", "run the command again")
            yield data
        written += clip.length
        if progress:
            progress(written, total)


def _silence(n: int) -> Iterator[bytes]:
    block = len(_SILENCE_BLOCK) // 2
    while n > 0:
        k = min(n, block)
        yield _SILENCE_BLOCK[: 2 * k]
        n -= k


def write(
    timeline: Timeline,
    source: Source,
    out: Path,
    fmt: str,
    tags: Tags,
    progress: Progress | None = None,
    background: tuple[bytes, object] | None = None,
    voice_volume: float = 1.0,
    *,
    private: bool = False,
) -> Path:
    """Render the timeline into `out` in `fmt`; nothing appears at `out` unless it is complete. A
    `private` file (it speaks the listener's own words) is readable by them only.

    `background` is (loop PCM, Background settings) for an ambience under the whole session, kept below the
    voice (whose `voice_volume` it follows).
    """
    stream = session_pcm(timeline, source, progress, background, voice_volume)
    if fmt == "wav":
        with atomic_path(out, "audio file", private=private) as tmp, wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(timeline.rate)
            w.setnframes(timeline.total)
            for piece in stream:
                w.writeframesraw(piece)
        return out
    exe = require_ffmpeg(fmt)
    with atomic_path(out, "audio file", private=private) as tmp:
        _encode(exe, stream, tmp, fmt, timeline.rate)
        write_tags(tmp, tags)
    return out


def session_pcm(
    timeline: Timeline,
    source: Source,
    progress: Progress | None = None,
    background: tuple[bytes, object] | None = None,
    voice_volume: float = 1.0,
) -> Iterator[bytes]:
    """One session's PCM in pieces, with its ambience (if any) mixed under the voice."""
    stream = pcm_chunks(timeline, source, progress)
    if background is not None:
        from player.adapters.sound.ambience import Mixer

        mixer = Mixer(background[0], background[1], timeline.rate, voice_volume)  # type: ignore[arg-type]
        stream = mixer.mix(stream, timeline.total)
    return stream


def encode(
    exe: str,
    stream: Iterator[bytes],
    tmp: Path,
    fmt: str,
    rate: int,
    metadata: Path | None = None,
    cover: Path | None = None,
) -> None:
    """Encode raw PCM from `stream` into `tmp` with ffmpeg. `metadata` is an FFMETADATA file (tags and
    chapters) written into the file; `cover` a picture attached as the front cover."""
    _encode(exe, stream, tmp, fmt, rate, metadata, cover)


def _encode(
    exe: str,
    stream: Iterator[bytes],
    tmp: Path,
    fmt: str,
    rate: int,
    chapters: Path | None = None,
    cover: Path | None = None,
) -> None:
    inputs: list[str] = ["-f", "ffmetadata", "-i", str(chapters)] if chapters else []
    maps: list[str] = ["-map", "0:a", "-map_chapters", "1"] if chapters else []
    if cover is not None:
        inputs += ["-i", str(cover)]
        maps += ["-map", "0:a"] if not chapters else []
        maps += ["-map", f"{2 if chapters else 1}:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
        maps += ["-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
    cmd = [
        exe,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "s16le",
        "-ar",
        str(rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        *inputs,
        *maps,
        "-map_metadata",
        "1" if chapters else "-1",  # tags and chapter titles from the metadata file only
        *_CODECS[fmt],
        str(tmp),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stdin, stderr = cast(IO[bytes], proc.stdin), cast(IO[bytes], proc.stderr)  # both are pipes, as asked
    try:
        try:
            for piece in stream:
                stdin.write(piece)
            stdin.close()
        except BrokenPipeError:
            pass
        err = stderr.read().decode(errors="replace")
        code = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        stderr.close()
    if code != 0:
        low = err.lower()
        if "no space" in low or "file too large" in low:
            raise OSError(28, "No space left on device")
        last = err.strip().splitlines()[-1] if err.strip() else f"exit status {code}"
        raise WorkFailed(f"ffmpeg could not encode the {fmt} file: {last}", "try --format wav")


def tag_m4b(path: Path, tags: Tags, cover: bytes) -> None:
    """Title, album, artist, genre, the cover, and 'this is an audiobook', as MP4 atoms (mutagen)."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4, MP4Cover

    try:
        f = MP4(str(path))  # type: ignore[no-untyped-call]
        if f.tags is None:
            f.add_tags()  # type: ignore[no-untyped-call]
        assert f.tags is not None
        f.tags["\xa9nam"] = [tags.title]
        f.tags["\xa9alb"] = [tags.album]
        f.tags["\xa9ART"] = [tags.artist]
        f.tags["aART"] = [tags.artist]
        f.tags["\xa9gen"] = [tags.genre]
        f.tags["stik"] = [2]  # media kind: audiobook
        f.tags["covr"] = [MP4Cover(cover, imageformat=MP4Cover.FORMAT_PNG)]
        f.save()
    except MutagenError as exc:
        raise WorkFailed(f"cannot tag the audiobook {path}: {exc}", "try --format mp3 --single-file") from None
