#!/usr/bin/env python3
"""Puts SEESAW's sentences back into the evidence column of the hand-annotated SEESAW gold rows.

gold/seesaw_train_hand.csv and gold/seesaw_valid_hand.csv name each row's evidence by SEESAW's sentence id
(`sentence N`, or `title`) because SEESAW's text is not ours to commit. `stancemap import articles --out` labels the
question whose sentence holds a row's evidence, so it needs the sentence itself:

    scripts/seesaw_hand_evidence.py gold/seesaw_train_hand.csv > train-hand-evidence.csv
    stancemap import articles train-hand-evidence.csv --corpus st/corpus --out hand-train.jsonl

SEESAW (`../shared/data/stance/seesaw`, or $SEESAW) is CC BY-NC-SA 4.0, and so is the file this writes.
"""
import csv
import json
import os
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: seesaw_hand_evidence.py GOLD.csv > WITH-EVIDENCE.csv")
    seesaw = os.environ.get("SEESAW", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "stance", "seesaw"))
    reader = csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
    writer = csv.DictWriter(sys.stdout, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    articles = {}
    for line, row in enumerate(reader, start=2):
        name = row["article_file"]
        if name not in articles:
            path = os.path.join(seesaw, "articles", name.rsplit(".", 1)[0] + ".json")
            try:
                articles[name] = json.load(open(path, encoding="utf-8"))
            except (OSError, ValueError) as error:
                print(f"{sys.argv[1]}:{line}: {path}: {error}", file=sys.stderr)
                articles[name] = None
        article = articles[name]
        ref = row["evidence"].strip()
        if article is None:
            continue
        if ref == "title":
            row["evidence"] = article["title"]
        elif ref.startswith("sentence "):
            found = [s["text"] for s in article["text"] if str(s["id"]) == ref[len("sentence "):]]
            if not found:
                print(f"{sys.argv[1]}:{line}: no {ref} in {name}", file=sys.stderr)
                continue
            row["evidence"] = found[0]
        writer.writerow(row)


if __name__ == "__main__":
    main()
