#!/usr/bin/env python3
"""Averages the weights of several stance models fine-tuned from the same base (a "model soup", Wortsman et al.
2022): one model of the same size and speed that is often better than each of its ingredients.

The ingredients are fully fine-tuned models with the same base, folders written by train_stance.py or stancemap
(card.json + model*.safetensors: the head and the encoder's difference from the base). Since every ingredient's
weights are base + delta, the mean of the deltas is the delta of the mean model. Averaged in fp32, stored in each
tensor's original dtype. LoRA models are refused: the mean of the A and B factors is not the mean of the weights.
The card is the first ingredient's, its calibration dropped (run `stancemap calibrate stance` on the soup), with
`training` describing the soup: every ingredient's data, and under `soup` each one's command and dev scores.

Usage: soup.py --out DIR [--split-output] MODEL_DIR MODEL_DIR [...]
"""
import argparse
import json
import os
import sys

from train_stance import read_model_tensors, write_model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--split-output", action="store_true", help="two files of about half the size each")
    args = parser.parse_args()
    if len(args.models) < 2:
        sys.exit("a soup needs at least two models")

    cards = [json.load(open(os.path.join(folder, "card.json"))) for folder in args.models]
    for folder, card in zip(args.models, cards):
        if card["base"] != cards[0]["base"]:
            sys.exit("%s: its base differs from that of %s" % (folder, args.models[0]))
        if card.get("adaptation", {"kind": "full"})["kind"] != "full":
            sys.exit("%s: only fully fine-tuned models can be averaged" % folder)
    weights = [read_model_tensors(folder) for folder in args.models]
    names = set(weights[0])
    for folder, tensors in zip(args.models[1:], weights[1:]):
        if set(tensors) != names:
            sys.exit("%s: tensor names differ from %s" % (folder, args.models[0]))

    soup = {}
    for name in sorted(names):
        mean = sum(tensors[name].float() for tensors in weights) / len(weights)
        soup[name] = mean.to(weights[0][name].dtype).contiguous()
    os.makedirs(args.out, exist_ok=True)
    write_model(args.out, soup, args.split_output)

    card = cards[0]
    card.pop("calibration", None)
    names = [os.path.basename(os.path.normpath(folder)) for folder in args.models]
    card["training"] = {
        "data": sorted({source for c in cards for source in c["training"]["data"]}),
        "dev": card["training"]["dev"],
        "command": " ".join(["scripts/gpu/soup.py"] + sys.argv[1:]),
        "options": {"soup_of": names},
        "soup": [{"run": name, "command": c["training"]["command"], "dev": dev_report(c)}
                 for name, c in zip(names, cards)],
    }
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print("%s: mean of %d models, %d tensors" % (args.out, len(weights), len(soup)), file=sys.stderr)


def dev_report(card):
    """The ingredient's dev scores: stancemap's report, or train_stance.py's scores of the epoch it kept."""
    if card.get("dev"):
        return card["dev"]
    options = card["training"].get("options", {})
    kept = [e for e in options.get("epochs_dev", []) if e["epoch"] == options.get("best_epoch")]
    return kept[0] if kept else None


if __name__ == "__main__":
    main()
