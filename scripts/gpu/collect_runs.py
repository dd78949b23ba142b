#!/usr/bin/env python3
"""Gathers the runs of a GPU sweep: every RUNS_DIR/<run>/scores.json (with the run's card.json when there is one)
into one JSON object keyed by run name, written to OUT_FILE. Usage: collect_runs.py RUNS_DIR OUT_FILE"""
import json
import os
import sys

runs, out = sys.argv[1], sys.argv[2]
results = {}
for name in sorted(os.listdir(runs)):
    path = os.path.join(runs, name, "scores.json")
    if os.path.exists(path):
        results[name] = json.load(open(path))
        card = os.path.join(runs, name, "card.json")
        if os.path.exists(card):
            results[name]["card"] = json.load(open(card))
json.dump(results, open(out, "w"), indent=1)
