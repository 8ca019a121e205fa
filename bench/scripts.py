"""Benchmark inputs: scripts of a given length made from varied sentences, and their SSML twin."""

from __future__ import annotations

from pathlib import Path

SENTENCES = [
    "Find a way of sitting that feels steady and supported.",
    "Let your eyes rest shut, or lower your gaze to the floor.",
    "Notice the breath moving in and out of the body.",
    "There is nothing you need to get right in this practice.",
    "Let the shoulders soften a little as you breathe out.",
    "If the mind wanders, gently bring it back to the breath.",
    "Notice the contact between your feet and the ground.",
    "You might let a small, friendly smile come to your face.",
    "Imagine a warm colour gathering around you like soft light.",
    "Whatever you notice right now is welcome here.",
]
WORDS = ["gently", "slowly", "kindly", "softly", "quietly", "warmly", "calmly", "easily"]


def lines(count: int) -> list[str]:
    """`count` distinct lines, so nothing is shared in the speech cache."""
    out = []
    for i in range(count):
        base = SENTENCES[i % len(SENTENCES)]
        out.append(f"{base[:-1]}, {WORDS[i % len(WORDS)]}, {WORDS[(i // len(WORDS)) % len(WORDS)]} and {_spell(i)}.")
    return out


def _spell(n: int) -> str:
    ones = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    if n < 20:
        return ones[n]
    if n < 100:
        return tens[n // 10 - 2] + ("" if n % 10 == 0 else " " + ones[n % 10])
    return ones[n // 100] + " hundred " + _spell(n % 100) if n % 100 else ones[n // 100] + " hundred"


def write_script(path: Path, count: int, pause: float) -> list[str]:
    texts = lines(count)
    body = ['title = "Benchmark"', "[voice]", "rate = 150", ""]
    for t in texts:
        body += ["[[step]]", f'say = "{t}"', f"pause = {pause}", ""]
    path.write_text("\n".join(body), encoding="utf-8")
    return texts


def ssml(texts: list[str], pause: float) -> str:
    return "<speak>" + "".join(f'{t}<break time="{int(pause * 1000)}ms"/>' for t in texts) + "</speak>"
