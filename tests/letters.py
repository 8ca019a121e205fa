"""Letters and phrases at the sizes people really write them, in our own words, for tests."""

from __future__ import annotations

_SENTENCES = [
    "Dear you, I have been thinking about the week you just had.",
    "It asked a lot of you, and you showed up anyway.",
    "Some mornings the tiredness sat on your chest like a heavy coat.",
    "You still made breakfast, answered the messages, and kept your promises.",
    "When the meeting went badly, the old voice started its lecture at once.",
    "I want to stand beside you instead of joining in.",
    "It makes sense that it hurt, because you cared about doing it well.",
    "Dr. Rivera said once that caring and worrying often travel together.",
    "Plenty of people would have felt shaken after a day like that.",
    "You are one of many who carry this kind of weight quietly.",
    "Nobody chose the habits they learned as a child, and you did not either.",
    "What you do next is yours, and it can be small.",
    "Maybe tonight that means an early night, e.g. lights out by ten.",
    "Maybe it means telling one friend the truth about how it went...",
    "Whatever you choose, I will not measure it against anyone else.",
    "Your worth was never a score to be earned by Friday.",
    "Remember the walk by the river in April, when the light was soft?",
    "You noticed the geese and laughed out loud, and that was real too.",
    "Both things are true, the hard day and the bright moment.",
    "I am learning to speak to you the way I would speak to a friend.",
    "It is slow, and sometimes it feels strange, and that is fine.",
    "Rest now if you can, and begin again tomorrow with a gentle step.",
    "With warmth, from the part of you that wants you to be well.",
]


def letter(words: int = 450, paragraphs: int = 6, max_chars: int | None = None) -> str:
    """A letter of about `words` words in `paragraphs` paragraphs (at most `max_chars` characters)."""
    chosen: list[str] = []
    count = 0
    i = 0
    while count < words:
        sentence = _SENTENCES[i % len(_SENTENCES)]
        if i >= len(_SENTENCES):  # later rounds differ a little, as a real letter does not repeat itself
            sentence = sentence.rstrip(".?!") + f", round {i // len(_SENTENCES) + 1}."
        chosen.append(sentence)
        count += len(sentence.split())
        i += 1
    while True:
        size = -(-len(chosen) // paragraphs)
        text = "\n\n".join(" ".join(chosen[k : k + size]) for k in range(0, len(chosen), size))
        if max_chars is None or len(text) <= max_chars:
            return text
        chosen.pop()


def long_phrases() -> list[str]:
    """Six phrases of 120 characters, the largest the app keeps."""
    base = [
        "May I meet this hard moment with the same patience I would offer to a tired friend at the end of",
        "Let me remember that stumbling is part of learning, and that every person I admire has fallen and",
        "I am allowed to rest before I have earned it, and to ask for help before everything falls apart",
        "May I speak to myself in a voice that is steady and warm, the way a good teacher speaks to a child",
        "Let this body be looked after today, with food and water and sleep, as something worth caring",
        "May I notice one small good thing before the day ends, and let it count for something real and",
    ]
    return [(b + " and kind and true" * 8)[:119].rstrip() + "." for b in base]
