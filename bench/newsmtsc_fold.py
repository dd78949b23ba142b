#!/usr/bin/env python3
"""A held-out fold of NewsMTSC train, to tell how our dev set (hf_mt_dev: every sentence has two or three targets)
compares with the held-out test (devtest_rw: "real-world" sentences, mostly one target each, as in train).

Splits the imported train set by sentence: a sentence (the id before '#') goes to the fold when the sha256 of its id
is 0 mod 10. Writes three canonical stance JSONL files to OUT_DIR:
  train90.jsonl      the rest of train (rows whose text also occurs in the fold are left out),
  held_single.jsonl  the fold's one-target sentences (source "heldout_single": the closest we have to devtest_rw),
  held_multi.jsonl   the fold's sentences with more targets (source "heldout_multi").
Then train any model on train90.jsonl with all three as dev sets (each is reported on its own after every epoch),
e.g. stancemap train stance --encoder minilm --epochs 3 --train OUT_DIR/train90.jsonl
       --dev .cache/stance-data/newsmtsc_dev.jsonl OUT_DIR/held_single.jsonl OUT_DIR/held_multi.jsonl --out DIR

Usage: python3 bench/newsmtsc_fold.py [TRAIN_JSONL] OUT_DIR   (TRAIN_JSONL: .cache/stance-data/newsmtsc_train.jsonl)
"""
import collections
import hashlib
import json
import os
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    train = sys.argv[1] if len(sys.argv) == 3 else ".cache/stance-data/newsmtsc_train.jsonl"
    out = sys.argv[-1]
    sentences = collections.defaultdict(list)
    with open(train, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                sentences[row["id"].rsplit("#", 1)[0]].append(row)
    rest, single, multi = [], [], []
    for sentence, rows in sentences.items():
        if int(hashlib.sha256(sentence.encode()).hexdigest(), 16) % 10 == 0:
            for row in rows:
                row["source"] = "heldout_single" if len(rows) == 1 else "heldout_multi"
            (single if len(rows) == 1 else multi).extend(rows)
        else:
            rest.extend(rows)
    held_texts = {row["text"] for row in single + multi}
    rest = [row for row in rest if row["text"] not in held_texts]
    os.makedirs(out, exist_ok=True)
    for name, rows in (("train90", rest), ("held_single", single), ("held_multi", multi)):
        with open(os.path.join(out, name + ".jsonl"), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        labels = collections.Counter(row["label"] for row in rows)
        print("%s: %d rows (%s)" % (name, len(rows), ", ".join("%s %d" % kv for kv in sorted(labels.items()))))


if __name__ == "__main__":
    main()
