#!/usr/bin/env python3
"""Writes a teacher's logits for stance training files, for distillation (train_stance.py --teacher-logits).

The teacher is one model or the mean of several (ensemble): folders written by train_stance.py or stancemap
(card.json + model*.safetensors, a delta over the base). Each file's logits are stored under its base name, one
row per line of the file, in order; calibration temperatures are not applied (the student's loss softens them).
Also prints each teacher's and the ensemble's dev scores when --dev is given.

Usage: teach.py --model BASE_DIR:MODEL_DIR [...] --files FILE... --out teacher.safetensors [--dev FILE...]
"""
import argparse
import os
import sys

import torch
from safetensors.torch import save_file

from train_stance import LABELS, dev_scores, encode, load_tokenizer, load_trained, logits_of, read_jsonl


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", nargs="+", required=True, help="BASE_DIR:MODEL_DIR (base encoder, trained model)")
    parser.add_argument("--files", nargs="+", required=True, help="stance JSONL files (.gz ok) to label")
    parser.add_argument("--dev", nargs="*", default=[], help="labeled files to score each teacher on")
    parser.add_argument("--out", required=True)
    parser.add_argument("--bf16", action="store_true")
    args = parser.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    rows = {path: read_jsonl(path) for path in args.files + args.dev}
    dev = [{"label": LABELS.index(ex["label"]), "source": ex["source"]} for path in args.dev for ex in rows[path]]
    sums = {path: torch.zeros(len(r), len(LABELS)) for path, r in rows.items()}
    for spec in args.model:
        base_dir, folder = spec.split(":", 1)
        tokenizer, pad_id = load_tokenizer(base_dir)
        model = load_trained(base_dir, folder).to(device)
        logits = {path: logits_of(model, [encode(tokenizer, ex) for ex in examples], device, pad_id, args.bf16, 256)
                  for path, examples in rows.items()}
        del model
        for path in rows:
            sums[path] += logits[path]
        if dev:
            report(folder, dev_scores(dev, torch.cat([logits[path] for path in args.dev]).argmax(-1).tolist()))
    n = len(args.model)
    if dev:
        pred = torch.cat([sums[path] for path in args.dev]).argmax(-1).tolist()
        report("ensemble of %d" % n, dev_scores(dev, pred))
    save_file({os.path.basename(path): (sums[path] / n).contiguous() for path in args.files}, args.out)
    print("%s: logits for %d files" % (args.out, len(args.files)), file=sys.stderr)


def report(name, scores):
    print("teacher %s: selection %.4f %s" % (name, scores["selection"], " ".join(
        "%s %.4f" % (s, v["macro_f1"]) for s, v in scores["per_source"].items())), file=sys.stderr)


if __name__ == "__main__":
    main()
