"""Writes an AnnotationCollection of COUNT readers' annotations on an essay, for `gloss import`.

Quotes are sentences and phrases taken from every paragraph in turn, so the notes spread over
the whole essay as real readers' would; one in ten is a reply to an earlier note, one in fifty
is private. Usage: seed.py ESSAY.md COUNT OUT.jsonld [CREATORS]
"""

import json
import random
import re
import sys
from datetime import datetime, timedelta, timezone

essay, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
creators = int(sys.argv[4]) if len(sys.argv) > 4 else 500
slug = essay.rsplit("/", 1)[-1].removesuffix(".md")
rng = random.Random(20251126)

text = open(essay, encoding="utf-8").read().split("+++", 2)[2]
# The page's text has no Markdown emphasis marks, and quotes must match the page.
paragraphs = [p.replace("*", "").strip() for p in text.split("\n\n") if p.strip()]


def passages(paragraph):
    """Whole sentences, and phrases of four to twelve words within them."""
    sentences = [s for s in re.split(r"(?<=[.?!”])\s+", paragraph) if s]
    found = []
    for sentence in sentences:
        found.append(sentence)
        words = sentence.split(" ")
        for _ in range(3):
            if len(words) > 4:
                length = rng.randint(4, min(12, len(words)))
                start = rng.randint(0, len(words) - length)
                found.append(" ".join(words[start : start + length]))
    return [(p, paragraph.index(p)) for p in found]


choices = [(paragraph, quote, at) for paragraph in paragraphs for quote, at in passages(paragraph)]
by_paragraph = [[c for c in choices if c[0] == p] for p in paragraphs]
started = datetime(2026, 1, 1, tzinfo=timezone.utc)
bodies = [
    "I had not seen this before.",
    "Worth reading alongside the **Bloomberg** transcript.",
    "Is there a source for this? The dates matter here.",
    "This is the crux of the essay: *who* benefits from the call.",
    "Compare with what was said in Budapest.",
]
items = []
for i in range(count):
    when = (started + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    creator = f"reader{i % creators:03d}"
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"http://bench/annotations/seed-{i:06d}",
        "type": "Annotation",
        "creator": {"id": f"http://bench/users/{creator}", "type": "Person", "nickname": creator},
        "created": when,
        "modified": when,
        "visibility": "private" if i % 50 == 7 else "public",
    }
    if i % 10 == 9 and items:
        # Replies go to a recent public note, as conversations do.
        recent = [a for a in items[-500:] if a["visibility"] == "public"]
        parent = rng.choice(recent)
        item["motivation"] = "replying"
        item["body"] = [{"type": "TextualBody", "value": f"Reply {i}: agreed.", "format": "text/markdown"}]
        item["target"] = parent["id"]
    else:
        paragraph, quote, at = rng.choice(by_paragraph[i % len(paragraphs)])
        selector = {"type": "TextQuoteSelector", "exact": quote}
        if at:
            selector["prefix"] = paragraph[max(0, at - 32) : at]
        item["motivation"] = "commenting"
        item["body"] = [
            {"type": "TextualBody", "value": f"Note {i}. {rng.choice(bodies)}", "format": "text/markdown"}
        ]
        if i % 7 == 0:
            item["body"].append({"type": "TextualBody", "value": "dates", "purpose": "tagging"})
        item["target"] = {"source": f"/articles/{slug}", "selector": [selector]}
    items.append(item)

with open(out, "w", encoding="utf-8") as f:
    json.dump({"type": "AnnotationCollection", "items": items}, f)
