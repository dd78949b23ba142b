#!/usr/bin/env python3
"""The plain fine-tune that issue 4 gives as its calibration point for NewsMTSC: train on NewsMTSC train alone, the
target bracketed in the sentence ("... [Trump] ..."), mean pooling, a linear head, cross-entropy; AdamW, batch 32,
10% warm-up then linear decay, one seed. Prints macro-F1 and accuracy on NewsMTSC dev (hf_mt_dev) after each
epoch, to compare our dev set with the held-out test that the issue's "about .80 (fast base, 3 epochs) / .83
(accurate base, 2 epochs) on held-out NewsMTSC data" refers to.

Reads .cache/stance-data/newsmtsc_{train,dev}.jsonl (scripts/train_stance.sh imports them); run from the root
with the venv of bench/python_encoders.sh:
  bench/.venv/bin/python bench/newsmtsc_baseline.py BASE_DIR EPOCHS LR [THREADS]
e.g. models/base/all-MiniLM-L6-v2 3 5e-5 (about 5 minutes per epoch on 2 cores) or models/base/all-mpnet-base-v2
2 3e-5.
"""
import json
import math
import os
import random
import sys
import time

import torch
from tokenizers import Tokenizer
from transformers import AutoModel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "gpu"))
from train_stance import LABELS, macro_f1  # noqa: E402  (the GPU trainer's scorer)

BATCH = 32

base, epochs, lr = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
if epochs < 1:
    sys.exit("EPOCHS must be at least 1")
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
tokenizer = Tokenizer.from_file(base + "/tokenizer.json")
tokenizer.no_padding()
tokenizer.enable_truncation(128)


def load(path):
    examples = []
    for line in open(path):
        ex = json.loads(line)
        start, end = ex["target_span"]
        text = ex["text"][:start] + "[" + ex["text"][start:end] + "]" + ex["text"][end:]
        examples.append((tokenizer.encode(text).ids, LABELS.index(ex["label"])))
    return examples


def batch(rows):
    width = max(len(ids) for ids, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    mask = torch.zeros(len(rows), width)
    for i, (row, _) in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    return ids, mask, torch.tensor([label for _, label in rows])


train = load(".cache/stance-data/newsmtsc_train.jsonl")
dev = load(".cache/stance-data/newsmtsc_dev.jsonl")
encoder = AutoModel.from_pretrained(base)
head = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))
params = list(encoder.parameters()) + list(head.parameters())
optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
total = math.ceil(len(train) / BATCH) * epochs
warmup = int(0.1 * total)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda s: (s + 1) / warmup if s < warmup else max(total - s, 0) / (total - warmup))


def logits(ids, mask):
    hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
    return head((hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True))


# The order of the examples is seeded; the head's initial weights (drawn above) are not.
rng = random.Random(1)
torch.manual_seed(1)
for epoch in range(epochs):
    started = time.time()
    encoder.train()
    order = list(range(len(train)))
    rng.shuffle(order)
    for i in range(0, len(order), BATCH):
        ids, mask, labels = batch([train[j] for j in order[i:i + BATCH]])
        loss = torch.nn.functional.cross_entropy(logits(ids, mask), labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
    encoder.eval()
    pred = []
    with torch.no_grad():
        for i in range(0, len(dev), 64):
            ids, mask, _ = batch(dev[i:i + 64])
            pred += logits(ids, mask).argmax(-1).tolist()
    gold = [label for _, label in dev]
    accuracy = sum(p == g for p, g in zip(pred, gold)) / len(dev)
    print("epoch %d: NewsMTSC dev macro-F1 %.4f accuracy %.4f (%.0f s)" % (
        epoch + 1, macro_f1(gold, pred, range(len(LABELS))), accuracy, time.time() - started), flush=True)
