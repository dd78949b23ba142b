#!/usr/bin/env python3
"""Gathers the runs of a GPU sweep into one JSON object keyed by run name, written to OUT_FILE: for every folder
of RUNS_DIR with a scores.json and/or a card.json, those two (a soup has only a card). Usage: collect_runs.py
RUNS_DIR OUT_FILE"""
import json
import os
import sys

runs, out = sys.argv[1], sys.argv[2]
results = {}
for name in sorted(os.listdir(runs)):
    scores, card = os.path.join(runs, name, "scores.json"), os.path.join(runs, name, "card.json")
    if os.path.exists(scores):
        results[name] = json.load(open(scores))
    if os.path.exists(card):
        results.setdefault(name, {})["card"] = json.load(open(card))
json.dump(results, open(out, "w"), indent=1)
