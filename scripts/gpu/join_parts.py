#!/usr/bin/env python3
"""Joins model.part1/part2.safetensors (written by train_stance.py --split-output, to fit a 16 MB file limit)
back into model.safetensors in the same folder. Usage: join_parts.py DIR"""
import glob
import os
import sys

from safetensors.torch import load_file, save_file

folder = sys.argv[1]
parts = sorted(glob.glob(os.path.join(folder, "model.part*.safetensors")))
if not parts:
    sys.exit("%s: no model.part*.safetensors" % folder)
tensors = {}
for part in parts:
    tensors.update(load_file(part))
save_file(tensors, os.path.join(folder, "model.safetensors"))
for part in parts:
    os.remove(part)
print("%s: %d tensors from %d parts" % (os.path.join(folder, "model.safetensors"), len(tensors), len(parts)))
