#!/usr/bin/env python3
"""Encoder throughput on CPU with Python `transformers`, for comparison with `stancemap bench encoders`.

For each base encoder in <repo>/models/base/ (all-MiniLM-L6-v2, all-mpnet-base-v2) and each attention
implementation ("eager", "sdpa"), this loads the model in fp32, eval mode, runs `--warmup` untimed forward
passes and then `--iters` timed ones under `torch.inference_mode()` on one fixed batch of
`--batch` x `--seq` token ids, and reports tokens/s = batch * seq * iters / seconds.

The input batch is built deterministically from a paragraph of generic news text (NEWS_TEXT below):
the paragraph is repeated and tokenized without special tokens into one long stream of ids; row i of
the batch is [CLS] + stream[i*ROW_STRIDE : i*ROW_STRIDE + seq-2] + [SEP], so every row is exactly `seq`
tokens long with no padding, and the attention mask is all ones.

Rows are appended to a CSV (default bench/results/encoders.csv) and printed as a table.
Run it through bench/python_encoders.sh, which sets up the pinned environment.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENCODERS = ["all-MiniLM-L6-v2", "all-mpnet-base-v2"]
ATTENTION = ["eager", "sdpa"]
TRANSFORMERS_PIN = "4.46.3"
ROW_STRIDE = 7  # token offset between consecutive rows of the batch
CSV_COLUMNS = [
    "date", "implementation", "encoder", "threads", "batch", "seq", "iters",
    "seconds", "tokens_per_s", "machine", "torch_version",
]

# Generic news-style text written for this benchmark (no real people or events).
NEWS_TEXT = (
    "Ministers from across the region met on Tuesday to discuss a new agreement on energy prices, "
    "trade routes and the security of undersea cables. Officials said the talks had been constructive "
    "but that several questions remained open, including how costs would be shared between larger and "
    "smaller economies. Opposition lawmakers criticised the government for negotiating behind closed "
    "doors, while business groups welcomed the prospect of lower tariffs and more predictable rules. "
    "A spokesperson for the foreign ministry said a joint statement was expected before the end of the "
    "week, and that a follow-up meeting had been scheduled for early next month in the capital."
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models-dir", type=Path, default=REPO / "models" / "base",
                   help="folder holding one sub-folder per encoder (default: <repo>/models/base)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--batch", type=int, default=32, help="sequences per forward pass (default 32)")
    p.add_argument("--seq", type=int, default=128, help="tokens per sequence, incl. [CLS]/[SEP] (default 128)")
    p.add_argument("--iters", type=int, default=10, help="timed forward passes (default 10)")
    p.add_argument("--warmup", type=int, default=2, help="untimed forward passes first (default 2)")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "encoders.csv",
                   help="CSV to append rows to (default: <repo>/bench/results/encoders.csv)")
    p.add_argument("--encoders", nargs="+", default=ENCODERS, metavar="NAME",
                   help=f"encoder folder names (default: {' '.join(ENCODERS)})")
    p.add_argument("--attention", nargs="+", default=ATTENTION, choices=ATTENTION,
                   help="attention implementations to measure (default: eager sdpa)")
    a = p.parse_args(argv)
    for name in ("threads", "batch", "seq", "iters"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be at least 1")
    if a.warmup < 0:
        p.error("--warmup must be 0 or more")
    if a.seq < 3:
        p.error("--seq must be at least 3 ([CLS], one token, [SEP])")
    return a


def machine_description() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores"


def build_batch(tokenizer, batch: int, seq: int):
    """The deterministic batch described in the module docstring: (input_ids, attention_mask) as lists."""
    body = seq - 2
    need = (batch - 1) * ROW_STRIDE + body
    text = NEWS_TEXT
    stream = tokenizer(text, add_special_tokens=False)["input_ids"]
    while len(stream) < need:
        text = text + " " + NEWS_TEXT
        stream = tokenizer(text, add_special_tokens=False)["input_ids"]
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    if cls_id is None or sep_id is None:
        raise SystemExit(f"tokenizer has no cls/sep token (cls={cls_id}, sep={sep_id})")
    ids = [[cls_id] + stream[i * ROW_STRIDE:i * ROW_STRIDE + body] + [sep_id] for i in range(batch)]
    mask = [[1] * seq for _ in range(batch)]
    return ids, mask


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        import torch
        import transformers
        from transformers import AutoModel, AutoTokenizer
    except ImportError as e:
        print(f"python_encoders: cannot import torch/transformers ({e}); run bench/python_encoders.sh, "
              "which installs them into bench/.venv", file=sys.stderr)
        return 1
    if transformers.__version__ != TRANSFORMERS_PIN:
        print(f"python_encoders: warning: transformers {transformers.__version__} is installed, "
              f"the comparison is pinned to {TRANSFORMERS_PIN}", file=sys.stderr)
    transformers.logging.set_verbosity_error()

    torch.set_num_threads(args.threads)
    machine = machine_description()
    torch_version = torch.__version__
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"machine: {machine}; torch {torch_version} (intra-op threads {torch.get_num_threads()}); "
          f"transformers {transformers.__version__}")
    if load is not None:
        print(f"load average at start (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"batch {args.batch} x seq {args.seq}, warmup {args.warmup}, iters {args.iters}, fp32, CPU\n")

    rows = []
    for encoder in args.encoders:
        folder = args.models_dir / encoder
        if not (folder / "model.safetensors").is_file() or not (folder / "config.json").is_file():
            print(f"skip {encoder}: {folder} has no model.safetensors/config.json; "
                  "it should be installed by scripts/setup.sh", file=sys.stderr)
            continue
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        ids, mask = build_batch(tokenizer, args.batch, args.seq)
        input_ids = torch.tensor(ids, dtype=torch.long)
        attention_mask = torch.tensor(mask, dtype=torch.long)
        assert input_ids.shape == (args.batch, args.seq)

        for attn in args.attention:
            try:
                model = AutoModel.from_pretrained(str(folder), attn_implementation=attn,
                                                  torch_dtype=torch.float32)
            except (ValueError, ImportError) as e:
                first = str(e).split(". ")[0]
                print(f"skip {encoder} / {attn}: transformers {transformers.__version__} cannot load it "
                      f"with this attention ({first})", file=sys.stderr)
                continue
            model.eval()
            used = getattr(model.config, "_attn_implementation", attn)
            if used != attn:
                print(f"skip {encoder} / {attn}: transformers fell back to '{used}'", file=sys.stderr)
                del model
                continue
            with torch.inference_mode():
                for _ in range(args.warmup):
                    model(input_ids=input_ids, attention_mask=attention_mask)
                start = time.perf_counter()
                for _ in range(args.iters):
                    out = model(input_ids=input_ids, attention_mask=attention_mask)
                seconds = time.perf_counter() - start
            hidden = out.last_hidden_state
            assert hidden.shape[:2] == (args.batch, args.seq) and torch.isfinite(hidden).all()
            tps = args.batch * args.seq * args.iters / seconds
            row = {
                "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                "implementation": f"python-transformers-{transformers.__version__}-{attn}",
                "encoder": encoder,
                "threads": args.threads,
                "batch": args.batch,
                "seq": args.seq,
                "iters": args.iters,
                "seconds": f"{seconds:.3f}",
                "tokens_per_s": f"{tps:.1f}",
                "machine": machine,
                "torch_version": torch_version,
            }
            rows.append(row)
            print(f"  {encoder:<20} {attn:<6} {seconds:8.3f} s  {tps:10.1f} tokens/s", flush=True)
            del model

    if not rows:
        print("python_encoders: nothing was measured", file=sys.stderr)
        return 1

    args.out.parent.mkdir(parents=True, exist_ok=True)
    new_file = not args.out.exists() or args.out.stat().st_size == 0
    with open(args.out, "a", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        if new_file:
            w.writeheader()
        w.writerows(rows)

    print()
    header = f"{'implementation':<40} {'encoder':<20} {'thr':>3} {'batch':>5} {'seq':>4} {'iters':>5} " \
             f"{'seconds':>9} {'tokens/s':>10}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['implementation']:<40} {r['encoder']:<20} {r['threads']:>3} {r['batch']:>5} {r['seq']:>4} "
              f"{r['iters']:>5} {r['seconds']:>9} {r['tokens_per_s']:>10}")
    if load is not None:
        end = os.getloadavg()
        print(f"\nload average at end (1/5/15 min): {end[0]:.2f} {end[1]:.2f} {end[2]:.2f}")
    print(f"appended {len(rows)} row(s) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
