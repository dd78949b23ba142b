"""Turn runs trained on the GPU over a merged base back into stance models over the publisher's base.

scripts/gpu/seesaw_lwf.sh trains over .gpu/merged (the base with models/stance-fast's deltas already added, in
fp16), so that one device call carries everything. A run's `delta.` tensors are then differences from that merged
base. This script adds them to it, optionally interpolates each run with the starting model (weight w for the run,
1 - w for the start; w = 1 is the run itself), and stores the result the way every stance model is stored: the
head in fp32 and every encoder weight as an fp16 difference from models/base (card `stored_as`), with the card
from the run's results.json and the publisher's base hash.

    bench/.venv/bin/python scripts/gpu/rebase_delta.py --runs /work/.device/2 --out .cache/seesaw-models \\
        --weights 1,0.7,0.5 s6_n04_a01_lr5e-5_ep2

Each model lands in OUT/NAME_wW (W = 10 w); calibrate it (`stancemap calibrate stance`) before `eval articles`.
"""
import argparse
import json
import os

from safetensors.torch import load_file, save_file

BASE = "models/base/all-MiniLM-L6-v2"


def encoder_and_head(tensors, under):
    """The full encoder weights (fp32) of a model stored as `delta.` differences from `under`, and its head."""
    encoder = {k[len("delta."):]: under[k[len("delta."):]].float() + v.float()
               for k, v in tensors.items() if k.startswith("delta.")}
    head = {k: v.float() for k, v in tensors.items() if not k.startswith("delta.")}
    return encoder, head


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="+", help="run names as in RUNS/results.json")
    ap.add_argument("--runs", required=True, help="the folder the device call brought back")
    ap.add_argument("--out", required=True)
    ap.add_argument("--merged", default=".gpu/merged/model.safetensors")
    ap.add_argument("--start", default="models/stance-fast", help="the model the runs started from")
    ap.add_argument("--weights", default="1", help="comma-separated weights of the run against its start")
    args = ap.parse_args()

    base = load_file(os.path.join(BASE, "model.safetensors"))
    merged = load_file(args.merged)
    start_encoder, start_head = encoder_and_head(load_file(os.path.join(args.start, "model.safetensors")), base)
    start_card = json.load(open(os.path.join(args.start, "card.json")))
    results = json.load(open(os.path.join(args.runs, "results.json")))
    for name in args.names:
        tensors = {}
        for part in (1, 2):
            tensors.update(load_file(os.path.join(args.runs, "%s.model.part%d.safetensors" % (name, part))))
        encoder, head = encoder_and_head(tensors, merged)
        missing = set(start_head) - set(head)
        if missing:
            raise SystemExit("%s: its head lacks %s" % (name, sorted(missing)))
        for w in [float(x) for x in args.weights.split(",")]:
            out = os.path.join(args.out, "%s_w%d" % (name, round(w * 10)))
            os.makedirs(out, exist_ok=True)
            model = {k: (w * v + (1 - w) * start_head[k]).contiguous() for k, v in head.items()}
            for k, v in encoder.items():
                model["delta." + k] = (w * v + (1 - w) * start_encoder[k] - base[k].float()).half().contiguous()
            save_file(model, os.path.join(out, "model.safetensors"))
            card = dict(results[name]["card"])
            card.pop("calibration", None)
            card["base"] = start_card["base"]
            card["training"] = dict(card.get("training", {}))
            card["training"]["interpolation"] = {
                "weight_of_this_run": w,
                "rest": "%s (the starting model)" % args.start,
                "note": "trained on the GPU over a base that held the starting model's weights in fp16 "
                        "(scripts/gpu/seesaw_lwf.sh); the deltas re-expressed over the publisher's base "
                        "(scripts/gpu/rebase_delta.py)",
            }
            with open(os.path.join(out, "card.json"), "w") as f:
                json.dump(card, f, indent=2)
            print(out)


if __name__ == "__main__":
    main()
