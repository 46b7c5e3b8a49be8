#!/usr/bin/env python3
"""Check an Atom feed written by gongkai with a real feed parser.

Usage: check.py FEED.atom EXPECTED.json

EXPECTED.json describes what the feed must hold:
  {"title": "...", "id": "...",
   "entries": [{"id": "...", "title": "...",
                "links": [{"rel": "alternate", "href": "..."}, ...],
                "summary_contains": ["...", ...]}, ...]}

Entries must appear in the given order with exactly the given links. Every
entry must have parseable updated and published dates. Exits 1 listing every
mismatch, 2 on bad usage or a missing feedparser (Debian: python3-feedparser).
"""
import json
import sys

try:
    import feedparser
except ImportError:
    print("feedcheck: the feedparser module is missing (apt-get install python3-feedparser)", file=sys.stderr)
    sys.exit(2)


def check(feed_path, expected):
    problems = []

    def want(what, got, exp):
        if got != exp:
            problems.append(f"{what}: got {got!r}, want {exp!r}")

    with open(feed_path, "rb") as f:
        d = feedparser.parse(f.read())
    if d.get("bozo"):
        problems.append(f"feed is not well-formed: {d.get('bozo_exception')!r}")
    want("version", d.get("version"), "atom10")
    if "title" in expected:
        want("feed title", d.feed.get("title"), expected["title"])
    if "id" in expected:
        want("feed id", d.feed.get("id"), expected["id"])
    if d.feed.get("updated_parsed") is None:
        problems.append("feed updated date missing or unparseable")

    entries = expected.get("entries", [])
    want("entry count", len(d.entries), len(entries))
    for i, (got, exp) in enumerate(zip(d.entries, entries)):
        where = f"entry {i} ({exp.get('id')})"
        want(f"{where} id", got.get("id"), exp["id"])
        want(f"{where} title", got.get("title"), exp["title"])
        links = sorted((l.get("rel"), l.get("href")) for l in got.get("links", []))
        want(f"{where} links", links, sorted((l["rel"], l["href"]) for l in exp.get("links", [])))
        for key in ("updated_parsed", "published_parsed"):
            if got.get(key) is None:
                problems.append(f"{where}: {key.split('_')[0]} date missing or unparseable")
        summary = got.get("summary", "")
        for s in exp.get("summary_contains", []):
            if s not in summary:
                problems.append(f"{where} summary {summary!r} lacks {s!r}")
    ids = [e.get("id") for e in d.entries]
    if len(set(ids)) != len(ids):
        problems.append(f"duplicate entry ids: {ids}")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        expected = json.load(f)
    problems = check(argv[1], expected)
    for p in problems:
        print("feedcheck: " + p, file=sys.stderr)
    if problems:
        return 1
    print(f"feedcheck: {argv[1]}: {len(expected.get('entries', []))} entries OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
