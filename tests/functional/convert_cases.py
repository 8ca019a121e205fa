"""Scripts as people have them, written for these tests (no third-party text): six in each of the four
formats, each with what a listener should hear: every sentence, the silence it asks for (shortest and
longest, in seconds), and how many pauses are ranges."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    sentences: tuple[str, ...]
    low: float  # the silence the file asks for, at its shortest
    high: float  # ... and at its longest
    ranges: int = 0


TEXT = [
    Case(
        "generator.txt",
        "Welcome to this short practice. [PAUSE:5]\nFind a steady way of sitting. [PAUSE:8]\n"
        "Let the breath slow down. [PAUSE:10]\nWhen you are ready, open your eyes.\n",
        (
            "Welcome to this short practice.",
            "Find a steady way of sitting.",
            "Let the breath slow down.",
            "When you are ready, open your eyes.",
        ),
        23,
        23,
    ),
    Case(
        "escaped.txt",
        "Settle in. \\[PAUSE:4]\nNotice your feet on the floor. \\[PAUSE:6]\nThat is all for now.\n",
        ("Settle in.", "Notice your feet on the floor.", "That is all for now."),
        10,
        10,
    ),
    Case(
        "seconds.txt",
        "Breathe in gently. [pause 5s] Breathe out slowly. [pause 5s]\n\nRest a moment. [Pause: 4]\n\nGood.\n",
        ("Breathe in gently.", "Breathe out slowly.", "Rest a moment.", "Good."),
        14,
        14,
    ),
    Case(
        "paragraphs.txt",
        "A kind hand on the chest, if that feels okay.\n\nFeel its warmth.\n\nOne slow breath — in, and out.\n",
        ("A kind hand on the chest, if that feels okay.", "Feel its warmth.", "One slow breath — in, and out."),
        0,
        0,
    ),
    Case(
        "bells.txt",
        "[BELL]\n\nWelcome. [PAUSE:3]\n\n“May I be kind to myself,” you might say. [PAUSE:6]\n\n[BELL]\n",
        ("Welcome.", "“May I be kind to myself,” you might say."),
        9,
        9,
    ),
    Case(
        "ellipsis.txt",
        "Let go of the day... little by little. [PAUSE:12]\nAnd rest. [PAUSE:2]\nWell done.\n",
        ("Let go of the day... little by little.", "And rest.", "Well done."),
        14,
        14,
    ),
]

MARKDOWN = [
    Case(
        "chatbot.md",
        "# Evening Wind-Down\n\n**Instructor:** Welcome. Find a comfortable place to sit.\n\n"
        "_(Pause for 20-30 seconds)_\n\nLet your shoulders soften.\n\n(10 seconds of silence)\n\n"
        "*Breathe in slowly, and out.*\n",
        ("Welcome.", "Find a comfortable place to sit.", "Let your shoulders soften.", "Breathe in slowly, and out."),
        30,
        40,
        1,
    ),
    Case(
        "front.md",
        "---\ntitle: Morning Kindness\nauthor: us\n---\n\n## Opening\n\nGood morning. \\[PAUSE:5]\n\n"
        "Notice one thing you are grateful for. (Pause briefly)\n\nThank you for this time.\n",
        ("Good morning.", "Notice one thing you are grateful for.", "Thank you for this time."),
        8,
        8,
    ),
    Case(
        "italics.md",
        "_Close your eyes, if that feels okay._\n\n_(Pause for 15-25 seconds)_\n\n"
        "_Picture a place where you feel safe._\n\n_(Pause for 20–40 seconds)_\n\n_Slowly come back._\n",
        ("Close your eyes, if that feels okay.", "Picture a place where you feel safe.", "Slowly come back."),
        35,
        65,
        2,
    ),
    Case(
        "sections.md",
        "# Body Scan\n\n[Opening – 2 min]\n\nBring attention to your feet. (a few breaths)\n\n(10 min)\n\n"
        "Move up to your knees. (a moment)\n\nRest here.\n",
        ("Bring attention to your feet.", "Move up to your knees.", "Rest here."),
        13,
        13,
    ),
    Case(
        "list.md",
        "### Steps\n\n- Sit tall, and let your hands rest.\n- Breathe in through the nose.\n\n"
        "(Let students rest in silence for a few minutes)\n\nSee [our notes](https://example.org/notes) later.\n",
        ("Sit tall, and let your hands rest.", "Breathe in through the nose.", "See our notes later."),
        120,
        240,
        1,
    ),
    Case(
        "emphasis.md",
        "You are **not** alone in this.\n\n*(Pause briefly)*\n\nIt is `okay` to feel this way.\n\n(chime)\n",
        ("You are not alone in this.", "It is okay to feel this way."),
        3,
        3,
    ),
]

SSML = [
    Case(
        "breaks.ssml",
        '<speak>Welcome to this practice.<break time="10s"/><break time="10s"/><break time="5s"/>'
        "Let the breath settle.</speak>",
        ("Welcome to this practice.", "Let the breath settle."),
        25,
        25,
    ),
    Case(
        "paragraphs.ssml",
        '<?xml version="1.0"?>\n<speak version="1.1">\n  <p><s>Find a steady seat.</s><s>Let your hands rest.</s></p>\n'
        '  <break time="4s"/>\n  <p>Notice the breath.<break time="2500ms"/></p>\n  <p>Open your eyes.</p>\n</speak>\n',
        ("Find a steady seat.", "Let your hands rest.", "Notice the breath.", "Open your eyes."),
        6.5,
        6.5,
    ),
    Case(
        "prosody.ssml",
        '<speak><prosody rate="slow">Breathe in, and breathe out.</prosody><break time="6s"/>'
        '<prosody rate="90%">Let it be <emphasis level="moderate">easy</emphasis>.</prosody>'
        '<break time="3s"/>Thank you.</speak>',
        ("Breathe in, and breathe out.", "Let it be easy.", "Thank you."),
        9,
        9,
    ),
    Case(
        "strength.ssml",
        '<speak>Rest here.<break strength="strong"/>And a little longer.<break strength="x-strong"/>'
        '<break time="5s"/>Good.</speak>',
        ("Rest here.", "And a little longer.", "Good."),
        10,
        10,
    ),
    Case(
        "audio.ssml",
        '<speak>Listen to the bell.<break time="2s"/><audio src="https://example.org/bell.mp3">A bell rings.</audio>'
        '<break time="3s"/>Now notice the quiet after it.</speak>',
        ("Listen to the bell.", "Now notice the quiet after it."),
        5,
        5,
    ),
    Case(
        "sub.ssml",
        '<speak><s>Place a hand on your heart.</s><break time="8s"/><s><sub alias="Doctor">Dr.</sub> Lee wishes you well.</s>'
        '<mark name="x"/><break time="4s"/><s>Rest now.</s></speak>',
        ("Place a hand on your heart.", "Doctor Lee wishes you well.", "Rest now."),
        12,
        12,
    ),
]

JSON = [
    Case(
        "steps.json",
        '{"title": "Morning", "steps": [\n  {"type": "heading", "text": "Morning"},\n'
        '  {"type": "speech", "text": "Good morning. Sit comfortably."},\n  {"type": "pause", "duration": 5},\n'
        '  {"type": "speech", "text": "Notice your breath."},\n  {"type": "pause", "min": 20, "max": 40},\n'
        '  {"type": "speech", "text": "Thank you."}\n]}\n',
        ("Good morning.", "Sit comfortably.", "Notice your breath.", "Thank you."),
        25,
        45,
        1,
    ),
    Case(
        "bare.json",
        '[\n  {"type": "speech", "text": "Welcome."},\n  {"type": "pause", "seconds": 6},\n'
        '  {"type": "speech", "text": "Feel your feet."},\n  {"type": "pause", "duration": "10s"}\n]\n',
        ("Welcome.", "Feel your feet."),
        16,
        16,
    ),
    Case(
        "minutes.json",
        '[\n  {"type": "speech", "text": "Let us sit for a while."},\n  {"type": "pause", "duration": "1 min"},\n'
        '  {"type": "speech", "text": "Slowly come back."}\n]\n',
        ("Let us sit for a while.", "Slowly come back."),
        60,
        60,
    ),
    Case(
        "unknown.json",
        '[\n  {"type": "speech", "text": "Hello there."},\n  {"type": "video", "src": "x.mp4"},\n'
        '  {"type": "pause", "duration": 3},\n  {"type": "speech", "text": "Goodbye for now."}\n]\n',
        ("Hello there.", "Goodbye for now."),
        3,
        3,
    ),
    Case(
        "markers.json",
        '[\n  {"type": "speech", "text": "Breathe in. [PAUSE:4] Breathe out."},\n  {"type": "pause", "duration": 4},\n'
        '  {"type": "speech", "text": "**Well** done."}\n]\n',
        ("Breathe in.", "Breathe out.", "Well done."),
        8,
        8,
    ),
    Case(
        "bell.json",
        '[\n  {"type": "bell"},\n  {"type": "pause", "duration": 2},\n  {"type": "speech", "text": "Arrive here."},\n'
        '  {"type": "pause", "min": 10, "max": 30},\n  {"type": "speech", "text": "Rest."},\n  {"type": "bell"}\n]\n',
        ("Arrive here.", "Rest."),
        12,
        32,
        1,
    ),
]

ALL = TEXT + MARKDOWN + SSML + JSON
