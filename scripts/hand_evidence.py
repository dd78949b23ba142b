#!/usr/bin/env python3
"""Puts the article's sentences back into the evidence column of hand-annotated gold rows, or takes them out.

The gold files in gold/ are annotated per ../shared/ANNOTATION.md, whose `evidence` is a sentence copied verbatim.
The articles are third-party text that is not ours to commit, so the committed files name each row's evidence
instead of copying it:

- `sentence N` (or `title`): the sentence with that id in SEESAW's article JSON (gold/seesaw_*_hand.csv);
- `chars A-B`: the characters [A, B) of the article's text file (Python string offsets, end exclusive).

`stancemap import articles --out` labels the question whose sentence holds a row's evidence, so it needs the
sentence itself:

    scripts/hand_evidence.py gold/seesaw_train_hand.csv > train.csv               # SEESAW (../shared or $SEESAW)
    scripts/hand_evidence.py gold/polnear_train_hand.csv --corpus DIR > train.csv  # text articles in DIR
    stancemap import articles train.csv --corpus CORPUS --out train.jsonl

`--to-offsets --corpus DIR` does the reverse for text articles: verbatim evidence becomes `chars A-B` (its first
occurrence in the article), for committing. A row whose evidence cannot be resolved is named on stderr and left
out. SEESAW is CC BY-NC-SA 4.0, and so are the rows derived from it.
"""
import argparse
import csv
import json
import os
import re
import sys

CHARS = re.compile(r"chars (\d+)-(\d+)$")


def seesaw_article(seesaw, name):
    return json.load(open(os.path.join(seesaw, "articles", name.rsplit(".", 1)[0] + ".json"), encoding="utf-8"))


def text_article(corpus, name):
    return open(os.path.join(corpus, name), encoding="utf-8").read()


def resolve(ref, article):
    """The evidence sentence that `ref` names in `article` (SEESAW JSON or a text), or None."""
    if isinstance(article, str):
        match = CHARS.match(ref)
        if match and int(match[1]) < int(match[2]) <= len(article):
            return article[int(match[1]) : int(match[2])]
        return None
    if ref == "title":
        return article["title"]
    if ref.startswith("sentence "):
        found = [s["text"] for s in article["text"] if str(s["id"]) == ref[len("sentence ") :]]
        return found[0] if found else None
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold")
    parser.add_argument("--corpus", help="the folder of the articles' text files (default: SEESAW's articles)")
    parser.add_argument("--to-offsets", action="store_true", help="verbatim evidence -> `chars A-B` (needs --corpus)")
    args = parser.parse_args()
    if args.to_offsets and not args.corpus:
        parser.error("--to-offsets needs --corpus")
    default = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "stance", "seesaw")
    seesaw = os.environ.get("SEESAW", default)
    reader = csv.DictReader(open(args.gold, newline="", encoding="utf-8"))
    writer = csv.DictWriter(sys.stdout, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    articles = {}
    for line, row in enumerate(reader, start=2):
        name = row["article_file"]
        if name not in articles:
            try:
                articles[name] = text_article(args.corpus, name) if args.corpus else seesaw_article(seesaw, name)
            except (OSError, ValueError) as error:
                print(f"{args.gold}:{line}: {name}: {error}", file=sys.stderr)
                articles[name] = None
        article = articles[name]
        if article is None:
            continue
        ref = row["evidence"].strip()
        if args.to_offsets:
            start = article.find(ref) if ref else -1
            found = f"chars {start}-{start + len(ref)}" if start >= 0 else None
        else:
            found = resolve(ref, article)
        if found is None:
            print(f"{args.gold}:{line}: {name}: evidence not found: {ref[:80]}", file=sys.stderr)
            continue
        row["evidence"] = found
        writer.writerow(row)


if __name__ == "__main__":
    main()
