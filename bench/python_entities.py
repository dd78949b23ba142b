#!/usr/bin/env python3
"""The entity pass of the Python stack, for comparison with `stancemap run` (bench/pipeline.sh runs both).

Runs `transformers.pipeline("token-classification", batch_size=32)` on CPU with `--threads` torch threads over the
paragraphs of every .txt article of `--corpus` (paragraphs: blocks separated by blank lines, as stancemap reads
them; a paragraph over 300 words is cut into 300-word pieces, since the pipeline does not window long inputs),
on the model of `--model` (a folder from `stancemap export hf`, so the same weights as stancemap's). Timed: the
pipeline call over all paragraphs (not loading the model or reading the files). Words are counted as stancemap
counts them (whitespace-separated, whole article). Prints one JSON line: articles, paragraphs, words, seconds,
words_per_s, peak_rss_mb.
"""
import argparse
import json
import resource
import sys
import time
from pathlib import Path


def paragraphs(text):
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    pieces = []
    for block in blocks:
        words = block.split()
        pieces.extend(" ".join(words[i : i + 300]) for i in range(0, len(words), 300))
    return pieces


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    import torch
    from transformers import pipeline

    torch.set_num_threads(args.threads)
    files = sorted(
        p for p in args.corpus.rglob("*.txt") if not any(part.startswith(".") for part in p.relative_to(args.corpus).parts)
    )
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    inputs = [piece for text in texts for piece in paragraphs(text)]
    words = sum(len(text.split()) for text in texts)
    tagger = pipeline("token-classification", model=str(args.model), device=-1, batch_size=args.batch_size)
    with torch.inference_mode():
        tagger(inputs[:8])  # warm-up
        start = time.perf_counter()
        tagger(inputs)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "articles": len(texts),
        "paragraphs": len(inputs),
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_s": round(words / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    sys.exit(main())
