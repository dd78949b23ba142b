#!/usr/bin/env python3
"""Writes a teacher's logits for stance training files, for distillation (train_stance.py --teacher-logits).

The teacher is one model or the mean of several (ensemble): folders written by train_stance.py or stancemap
(card.json + model*.safetensors, a delta over the base). Each teacher reads the files as `stancemap encode stance`
encoded them for its own base (ENCODED_DIR/NAME.ids.jsonl or .ids.jsonl.gz; see scripts/gpu/contract.py), so a
MPNet teacher and a MiniLM student each get their own ids for the same rows. Each file's logits are stored under
its NAME, one row per row of the file, in order; calibration temperatures are not applied (the student's loss
softens them). Also prints each teacher's and the ensemble's dev scores when --dev is given.

Usage: teach.py --model BASE_DIR:MODEL_DIR:ENCODED_DIR [...] --files NAME... --out teacher.safetensors [--dev NAME...]
"""
import argparse
import os
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contract as contracts  # noqa: E402
from train_stance import dev_scores, load_trained, logits_of  # noqa: E402


def encoded_path(folder, name):
    for suffix in contracts.ENCODED_SUFFIXES:
        path = os.path.join(folder, name + suffix)
        if os.path.exists(path):
            return path
    sys.exit("%s: no %s.ids.jsonl(.gz); run `stancemap encode stance` for this teacher's base" % (folder, name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", nargs="+", required=True,
                        help="BASE_DIR:MODEL_DIR:ENCODED_DIR (base encoder, trained model, its encoded files)")
    parser.add_argument("--files", nargs="+", required=True, help="names of the encoded files to label")
    parser.add_argument("--dev", nargs="*", default=[], help="names of labeled files to score each teacher on")
    parser.add_argument("--out", required=True)
    parser.add_argument("--bf16", action="store_true")
    args = parser.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    names = args.files + args.dev
    sums, dev = None, None
    for spec in args.model:
        base_dir, folder, encoded = spec.split(":", 2)
        contract = contracts.read_contract(encoded)
        rows = {name: contracts.read_encoded(encoded_path(encoded, name), contract) for name in names}
        if sums is None:
            sums = {name: torch.zeros(len(r), len(contracts.labels(contract))) for name, r in rows.items()}
            dev = [row for name in args.dev for row in rows[name]]
        model = load_trained(base_dir, folder).to(device)
        pad_id = contract["pad_id"]
        logits = {name: logits_of(model, [row["ids"] for row in r], device, pad_id, args.bf16, 256)
                  for name, r in rows.items()}
        del model
        for name in names:
            if logits[name].shape != sums[name].shape:
                sys.exit("%s: %s has %d rows for this teacher, %d for the first" % (
                    encoded, name, logits[name].shape[0], sums[name].shape[0]))
            sums[name] += logits[name]
        if dev:
            report(folder, dev_scores(dev, torch.cat([logits[name] for name in args.dev]).argmax(-1).tolist()))
    n = len(args.model)
    if dev:
        pred = torch.cat([sums[name] for name in args.dev]).argmax(-1).tolist()
        report("ensemble of %d" % n, dev_scores(dev, pred))
    save_file({name: (sums[name] / n).contiguous() for name in args.files}, args.out)
    print("%s: logits for %d files" % (args.out, len(args.files)), file=sys.stderr)


def report(name, scores):
    print("teacher %s: selection %.4f %s" % (name, scores["selection"], " ".join(
        "%s %.4f" % (s, v["macro_f1"]) for s, v in scores["per_source"].items())), file=sys.stderr)


if __name__ == "__main__":
    main()
