#!/usr/bin/env python3
"""Unlabeled stance examples (silver) from the tables of a `stancemap run`, for distillation
(train_stance.py learns them from the teacher's logits alone; they carry no `label`).

Two kinds, both in news style like the text the shipped models read:
- the author toward an entity: a sentence and one of its entity mentions (PER, ORG, LOC, GPE, NORP), holder null,
  as NewsMTSC asks;
- an actor toward a target: a row of evidence.csv (the sentence, the actor as holder, its span found in the
  sentence when the surface occurs there, the target with its span).
Sentences of 6 to 60 words; at most --per-article examples of each kind per article, chosen by sha256 of the
example id (the same run gives the same set). Rows are written in the canonical stance JSONL with source
`silver` and no label.

Usage: silver_from_run.py RUN_DIR --out FILE.jsonl [--per-article 6]
"""
import argparse
import csv
import hashlib
import json
import re
import sys
from collections import defaultdict

TYPES = {"PER", "ORG", "LOC", "GPE", "NORP"}


def table(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def pick(examples, n):
    return sorted(examples, key=lambda e: hashlib.sha256(e["id"].encode()).hexdigest())[:n]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run")
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-article", type=int, default=6)
    args = parser.parse_args()

    sentences = {}
    for row in table(args.run + "/sentences.csv"):
        words = len(row["text"].split())
        if 6 <= words <= 60:
            sentences[(row["article_id"], row["sentence_index"])] = (int(row["start"]), row["text"])
    author, actor = defaultdict(list), defaultdict(list)
    for row in table(args.run + "/mentions.csv"):
        key = (row["article_id"], row["sentence_index"])
        if row["type"] not in TYPES or key not in sentences:
            continue
        offset, text = sentences[key]
        start, end = int(row["start"]) - offset, int(row["end"]) - offset
        if text[start:end] != row["text"]:
            continue
        author[row["article_id"]].append({
            "id": "silver-%s-%s-%d" % (row["article_id"], row["sentence_index"], start), "text": text,
            "holder": None, "holder_span": None, "target": row["text"], "target_span": [start, end],
            "source": "silver"})
    for row in table(args.run + "/evidence.csv"):
        key = (row["article_id"], row["sentence_index"])
        if key not in sentences:
            continue
        offset, text = sentences[key]
        start, end = int(row["start"]) - offset, int(row["end"]) - offset
        if text[start:end] != row["target_surface"]:
            continue
        holder_span = None
        found = re.search(r"\b%s\b" % re.escape(row["actor_surface"]), text)
        if found and (found.end() <= start or end <= found.start()):
            holder_span = [found.start(), found.end()]
        actor[row["article_id"]].append({
            "id": "silver-%s" % row["evidence_id"], "text": text, "holder": row["actor_surface"],
            "holder_span": holder_span, "target": row["target_surface"], "target_span": [start, end],
            "source": "silver"})
    written = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for groups in (author, actor):
            for article in sorted(groups):
                for example in pick(groups[article], args.per_article):
                    out.write(json.dumps(example, ensure_ascii=False) + "\n")
                    written += 1
    print("%s: %d silver examples (%d articles with author-toward-entity examples, %d with actor-toward-target)"
          % (args.out, written, len(author), len(actor)), file=sys.stderr)


if __name__ == "__main__":
    main()
