#!/usr/bin/env python3
"""Averages the weights of several stance models fine-tuned from the same base (a "model soup", Wortsman et al.
2022): one model of the same size and speed that is often better than each of its ingredients.

The ingredients are fully fine-tuned models with the same base, folders written by train_stance.py or stancemap
(card.json + model*.safetensors: the head and the encoder's difference from the base). Since every ingredient's
weights are base + delta, the mean of the deltas is the delta of the mean model. Averaged in fp32, stored in each
tensor's original dtype. LoRA models are refused: the mean of the A and B factors is not the mean of the weights;
so are students whose head started from another random init (their output layers share nothing).
The card is the first ingredient's, its calibration dropped (run `stancemap calibrate stance` on the soup), with
`training` describing the soup: every ingredient's data, and under `soup` each one's command and dev scores.

With --weights W... (one per model) the soup is a weighted mean instead: `--weights 0.3 0.7 A B` moves 30% of the way
from B to A (weight-space interpolation, "WiSE-FT", Wortsman et al. 2022: a fine-tuned model interpolated with the
one it started from often keeps what the start knew and much of what the fine-tuning taught). Weights are
normalised to sum to 1.

With --greedy (and --base, --dev) the soup is a "greedy soup" (the paper's recipe): the ingredients are scored
on dev alone and taken in that order, each kept only when the soup with it scores at least as well on dev (the
mean per-source macro-F1 that picks epochs in train_stance.py). It never scores below the best ingredient on dev,
so its dev score flatters it more than the uniform soup's does: report both.

Usage: soup.py --out DIR [--split-output] [--weights W... | --greedy --base BASE_DIR --dev FILE...] MODEL_DIR MODEL_DIR [...]
"""
import argparse
import json
import os
import sys

import torch

import contract as contracts
from train_stance import evaluate, model_with, read_dev, read_model_tensors, write_model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--split-output", action="store_true", help="two files of about half the size each")
    parser.add_argument("--weights", nargs="+", type=float, help="one weight per model: a weighted mean")
    parser.add_argument("--greedy", action="store_true", help="keep an ingredient only if it helps on --dev")
    parser.add_argument("--base", help="with --greedy: the base encoder folder")
    parser.add_argument("--dev", nargs="+",
                        help="with --greedy: labeled files that decide (NAME.ids.jsonl of `stancemap encode stance`)")
    args = parser.parse_args()
    if len(args.models) < 2:
        sys.exit("a soup needs at least two models")
    if args.greedy and not (args.base and args.dev):
        sys.exit("--greedy needs --base and --dev")
    if args.weights is not None:
        if args.greedy:
            sys.exit("--weights and --greedy exclude each other")
        if len(args.weights) != len(args.models) or min(args.weights) < 0 or sum(args.weights) <= 0:
            sys.exit("--weights needs one weight of 0 or more per model (%d models), not all 0" % len(args.models))

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

    # Heads trained from different random starts (train_stance.py before every seed shared seed 13's head) are
    # unrelated: averaging them mixes classifiers that share nothing (output layers' cosine about .03, against
    # .98 and more between students of one start).
    first_head = weights[0]["out.weight"].float().flatten()
    for folder, tensors in zip(args.models[1:], weights[1:]):
        cosine = torch.nn.functional.cosine_similarity(tensors["out.weight"].float().flatten(), first_head, 0).item()
        if cosine < 0.5:
            sys.exit("%s: its output layer started from another random head than %s's (cosine %.2f); "
                     "a soup needs students of one start" % (folder, args.models[0], cosine))
    names = [os.path.basename(os.path.normpath(folder)) for folder in args.models]
    kept = list(range(len(weights)))
    greedy = None
    if args.greedy:
        kept, greedy = greedy_choice(args, cards[0], weights, names)
    shares = [args.weights[i] / sum(args.weights) for i in kept] if args.weights else None
    soup = mean_of([weights[i] for i in kept], shares)
    os.makedirs(args.out, exist_ok=True)
    write_model(args.out, soup, args.split_output)

    # A licence that binds an ingredient binds the soup; the questions it answers (`holders`) carry over only
    # where every ingredient was trained for the same ones (else the run's default). Read before the first card's
    # training section is replaced below.
    licences = sorted({licence for i in kept for licence in cards[i]["training"].get("licence", [])})
    holders = {cards[i]["training"].get("holders", "subjects") for i in kept}
    if len(holders) > 1:
        print("the ingredients answer different holders (%s): the soup's card names none, so runs ask the default "
              "(subjects); measure with `eval articles --holders every|subjects`" % ", ".join(sorted(holders)),
              file=sys.stderr)
    card = cards[kept[0]]  # the first ingredient kept (the uniform soup keeps all)
    card.pop("calibration", None)
    card["training"] = {
        "data": sorted({source for i in kept for source in cards[i]["training"]["data"]}),
        "dev": card["training"]["dev"],
        "command": " ".join(["scripts/gpu/soup.py"] + sys.argv[1:]),
        "options": {"soup_of": [names[i] for i in kept]} | ({"weights": shares} if shares else {}),
        "soup": [{"run": names[i], "command": cards[i]["training"]["command"], "dev": dev_report(cards[i])}
                 for i in kept],
    }
    if greedy:
        card["training"]["greedy"] = greedy
    if licences:
        card["training"]["licence"] = licences
    if len(holders) == 1 and holders != {"subjects"}:
        card["training"]["holders"] = holders.pop()
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    how = "weighted mean (%s)" % ", ".join("%.3f" % w for w in shares) if shares else "mean"
    print("%s: %s of %d models, %d tensors" % (args.out, how, len(kept), len(soup)), file=sys.stderr)


def mean_of(weights, shares=None):
    """The average of several models' stored tensors (uniform, or with the given shares summing to 1), each in its
    original dtype."""
    shares = shares or [1.0 / len(weights)] * len(weights)
    return {name: sum(share * tensors[name].float() for share, tensors in zip(shares, weights))
            .to(weights[0][name].dtype).contiguous() for name in sorted(weights[0])}


def greedy_choice(args, card, weights, names):
    """The indices of the ingredients a greedy soup keeps, and the log of its steps (dev selection scores)."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    contract = contracts.read_contract(os.path.dirname(os.path.abspath(args.dev[0])))
    pad_id = contract["pad_id"]
    dev = read_dev(args.dev, contract)
    selection = lambda tensors: evaluate(model_with(args.base, card, tensors).to(device), dev, device, pad_id,
                                         device.type == "cuda")["selection"]
    alone = [selection(tensors) for tensors in weights]
    order = sorted(range(len(weights)), key=lambda i: -alone[i])
    kept, best = [order[0]], alone[order[0]]
    log = [{"run": names[order[0]], "alone": alone[order[0]], "soup": best, "kept": True}]
    for i in order[1:]:
        score = selection(mean_of([weights[k] for k in kept + [i]]))
        log.append({"run": names[i], "alone": alone[i], "soup": score, "kept": score >= best})
        print("greedy soup: %s alone %.4f, soup with it %.4f (best %.4f)" % (names[i], alone[i], score, best),
              file=sys.stderr)
        if score >= best:
            kept, best = kept + [i], score
    return kept, log


def dev_report(card):
    """The ingredient's dev scores: stancemap's report, or train_stance.py's scores of the epoch it kept."""
    if card.get("dev"):
        return card["dev"]
    options = card["training"].get("options", {})
    kept = [e for e in options.get("epochs_dev", []) if e["epoch"] == options.get("best_epoch")]
    return kept[0] if kept else None


if __name__ == "__main__":
    main()
