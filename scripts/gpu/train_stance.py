#!/usr/bin/env python3
"""Trains a stance model on a GPU with PyTorch, writing it in stancemap's own format (a delta over the base), so
that `stancemap calibrate stance` can fit its temperature, score it on dev and ship it.

Why this exists: the Rust trainer (`stancemap train stance`) is the reference and runs anywhere, but needs libtorch
with CUDA to use a GPU, and the CUDA build of libtorch is gigabytes. On a machine that only has Python's torch,
this script trains the same model (same input, head and schedule) in a few minutes.

It reads what stancemap wrote (the trainer contract, src/train/contract.rs, read through scripts/gpu/contract.py):
the training and dev rows already encoded (`stancemap encode stance FILE... --encoder E --out DIR` writes
DIR/NAME.ids.jsonl: the ids stancemap's own trainer and `run` give the model), and DIR/contract.json: the card the
model carries (base, labels, input, pooling, adaptation), the padding id, the tensor names and the clipping. It
encodes nothing itself, and mirrors the Rust trainer (src/train/stance.rs, src/stance/model.rs) in the rest:
- token type 0 for both segments;
- head: on the first token, dropout, dense (started from the base's pooler), tanh, dropout, linear over
  favor/against/neutral;
- full fine-tuning of every encoder weight except the word embeddings, or (--lora-rank R) low-rank adapters
  W + (2R/R) B A on every projection of every layer with the layer norms (and MPNet's relative position bias)
  trained, as `stancemap train stance --encoder mpnet` does; AdamW (weight decay 0.01), linear warm-up over 6% of
  the steps then linear decay, the encoder's and the head's gradients each clipped to the contract's norm (1), as
  stancemap clips them; batches of similar length;
- each source seen `weight` times per epoch (a fraction takes a different random sample each epoch);
- after each epoch the model is scored on dev (mean over sources of the macro-F1, as the Rust trainer selects);
  the best epoch is written.

Distillation (as `stancemap train stance --teacher`, which uses one teacher's calibrated probabilities; here also
ensembles and unlabeled rows): --teacher-logits FILE (written by scripts/gpu/teach.py from one or more trained
models) gives every training example the teacher's raw logits; the loss is then
alpha x cross-entropy on the gold label + (1 - alpha) x T^2 x KL(teacher/T || student/T), and a training file
whose rows carry no label (silver examples) is learned from the teacher alone. A labeled file the teacher did not
label (added after the teacher ran: a user's corrected evidence, the cue rows) is learned from its gold labels
alone, and said so on stderr.

Output (--out DIR): model.safetensors under the contract's names (head `dense.*`, `out.*` in fp32; `delta.<name>`
= trained - base in fp16; with LoRA `lora.<projection>.a/.b` in fp32), card.json (the contract's card with
training: data, command, options, per-epoch dev scores; no calibration yet) and scores.json. `--split-output` writes the delta as model.part1/part2.safetensors instead
(files under 16 MB); scripts/gpu/join_parts.py joins them.

Usage: train_stance.py --base DIR --out DIR --train DIR/NAME.ids.jsonl[@WEIGHT]... --dev DIR/NAME.ids.jsonl...
       [--contract DIR/contract.json] [--epochs 3] [--lr 1e-4]   (.gz ok; the contract defaults to the first
       training file's folder)

Long runs on a CPU (a MiniLM student epoch over the fast mix is about 20 minutes on 2 cores): --deadline S stops
after the epoch that ends past S seconds, and the same command with --resume continues from the last finished epoch
(out/checkpoint.pt, written after every epoch), so a run can span several time-limited sessions.
"""
import argparse
import gzip
import json
import math
import os
import random
import sys
import time

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contract as contracts  # noqa: E402  (scripts/gpu/contract.py, beside this file)

HEAD_SEED = 13
def read_dev(paths, contract, limit=None):
    """Labeled rows as [`evaluate`] takes them: token ids, label index and source."""
    dev = []
    for path in paths:
        for row in contracts.read_encoded(path, contract, limit):
            if row["label"] < 0:
                sys.exit("%s: a dev row without a label (%s)" % (path, row["id"]))
            dev.append(row)
    return dev


def epoch_indices(sizes, rng):
    chosen, offset = [], 0
    for size, weight in sizes:
        whole = int(math.floor(weight))
        for _ in range(whole):
            chosen.extend(range(offset, offset + size))
        extra = round((weight - whole) * size)
        if extra:
            pick = list(range(offset, offset + size))
            rng.shuffle(pick)
            chosen.extend(pick[:extra])
        offset += size
    return chosen


def length_batches(indices, lengths, batch_size, rng):
    order = list(indices)
    rng.shuffle(order)
    batches = []
    pool = batch_size * 50
    for i in range(0, len(order), pool):
        chunk = sorted(order[i : i + pool], key=lambda j: lengths[j])
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def pad(rows, pad_id, device):
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids.to(device), mask.to(device)


class StanceModel(torch.nn.Module):
    def __init__(self, base_dir, pooling="first", classes=3):
        super().__init__()
        self.pooling = pooling
        self.encoder = AutoModel.from_pretrained(base_dir).float()
        hidden = self.encoder.config.hidden_size
        self.dense = torch.nn.Linear(hidden, hidden)
        self.out = torch.nn.Linear(hidden, classes)
        pooler = getattr(self.encoder, "pooler", None)
        if pooler is not None and hasattr(pooler, "dense"):
            with torch.no_grad():
                self.dense.weight.copy_(pooler.dense.weight)
                self.dense.bias.copy_(pooler.dense.bias)
        self.dropout = torch.nn.Dropout(0.1)

    def forward(self, ids, mask):
        kwargs = {"input_ids": ids, "attention_mask": mask}
        if self.encoder.config.model_type == "bert":
            kwargs["token_type_ids"] = torch.zeros_like(ids)
        states = self.encoder(**kwargs).last_hidden_state
        if self.pooling == "mean":
            weights = mask.unsqueeze(-1).to(states.dtype)
            hidden = (states * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        else:
            hidden = states[:, 0]
        return self.out(self.dropout(torch.tanh(self.dense(self.dropout(hidden)))))


class LoraLinear(torch.nn.Module):
    """A frozen projection plus a trainable low-rank update, initialised as stancemap's (A uniform, B zero)."""

    def __init__(self, linear, rank, alpha):
        super().__init__()
        self.linear = linear
        bound = 1.0 / math.sqrt(linear.in_features)
        self.a = torch.nn.Parameter(torch.empty(rank, linear.in_features).uniform_(-bound, bound))
        self.b = torch.nn.Parameter(torch.zeros(linear.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x):
        return self.linear(x) + (x @ self.a.t().to(x.dtype)) @ self.b.t().to(x.dtype) * self.scale


def add_lora(model, rank, alpha, contract):
    """Wraps every linear layer of every transformer layer (the names stancemap's delta uses) and freezes the rest
    of the encoder but what the contract trains (layer norms, relative position bias). Returns {projection name:
    LoraLinear}."""
    for name, p in model.encoder.named_parameters():
        p.requires_grad_(contracts.trains(contract, name, lora=True))
    adapters = {}
    for name, module in list(model.encoder.named_modules()):
        if name.startswith("encoder.layer.") and isinstance(module, torch.nn.Linear):
            parent_name, child = name.rsplit(".", 1)
            wrapped = LoraLinear(module, rank, alpha)
            setattr(model.encoder.get_submodule(parent_name), child, wrapped)
            adapters[name] = wrapped
    return adapters


def read_model_tensors(folder):
    tensors = {}
    for path in sorted(os.listdir(folder)):
        if path.startswith("model") and path.endswith(".safetensors"):
            tensors.update(load_file(os.path.join(folder, path)))
    return tensors


def load_trained(base_dir, folder):
    """A model written by this script (or by stancemap): base + deltas, adapters merged into their weights."""
    card = json.load(open(os.path.join(folder, "card.json")))
    return model_with(base_dir, card, read_model_tensors(folder))


@torch.no_grad()
def model_with(base_dir, card, tensors):
    """The model of `card` whose stored tensors (head, deltas over the base, adapters) are `tensors`."""
    model = StanceModel(base_dir, card.get("pooling", "first"), len(card["labels"]))
    adaptation = card.get("adaptation", {"kind": "full"})
    scale = adaptation["alpha"] / adaptation["rank"] if adaptation["kind"] == "lora" else 0.0
    params = dict(model.encoder.named_parameters())
    adapters = {}
    for name, value in tensors.items():
        if name.startswith("delta."):
            params[name[len("delta."):]].add_(value.float())
        elif name.startswith("lora."):
            projection, part = name[len("lora."):].rsplit(".", 1)
            adapters.setdefault(projection, {})[part] = value.float()
        else:
            getattr(model, name.split(".")[0]).get_parameter(name.split(".", 1)[1]).copy_(value)
    for projection, ab in adapters.items():
        params[projection + ".weight"].add_(scale * ab["b"] @ ab["a"])
    return model


def macro_f1(gold, pred, classes):
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(f1s) / len(f1s)


def score(gold, pred):
    classes = sorted(set(gold)) if set(gold) != {0, 1, 2} else [0, 1, 2]
    f_avg = (macro_f1(gold, pred, [0]) + macro_f1(gold, pred, [1])) / 2
    accuracy = sum(g == p for g, p in zip(gold, pred)) / max(len(gold), 1)
    return {"n": len(gold), "accuracy": accuracy, "macro_f1": macro_f1(gold, pred, classes), "f_avg": f_avg}


def autocast(device, enabled):
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=enabled and device.type == "cuda")


@torch.no_grad()
def logits_of(model, rows, device, pad_id, bf16, batch=128):
    """Logits [len(rows), 3] in float32, for token id lists, batched by length."""
    model.eval()
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    out = torch.zeros(len(rows), model.out.out_features)
    for k in range(0, len(order), batch):
        chunk = order[k : k + batch]
        ids, mask = pad([rows[i] for i in chunk], pad_id, device)
        with autocast(device, bf16):
            out[chunk] = model(ids, mask).float().cpu()
    model.train()
    return out


@torch.no_grad()
def evaluate(model, dev, device, pad_id, bf16=False):
    return dev_scores(dev, logits_of(model, [e["ids"] for e in dev], device, pad_id, bf16).argmax(-1).tolist())


def dev_scores(dev, preds):
    """Overall and per-source scores of predicted label indices, and the selection score (the mean per-source
    macro-F1 by which the best epoch is chosen). `dev` rows carry `label` and `source`."""
    per_source = {}
    for source in sorted({e["source"] for e in dev}):
        rows = [i for i, e in enumerate(dev) if e["source"] == source]
        per_source[source] = score([dev[i]["label"] for i in rows], [preds[i] for i in rows])
    overall = score([e["label"] for e in dev], preds)
    overall["per_source"] = per_source
    overall["selection"] = sum(s["macro_f1"] for s in per_source.values()) / len(per_source)
    return overall


def delta_tensors(model, base, adapters, contract):
    """The trained tensors under the contract's names."""
    tensors = {name: model.get_parameter(name).detach().float().cpu().contiguous()
               for name in contracts.head_names(contract)}
    for name, p in model.encoder.named_parameters():
        if p.requires_grad and name in base and contracts.trains(contract, name, bool(adapters)):
            tensors[contracts.delta_name(contract, name)] = (p.detach().float().cpu() - base[name].float()).half().contiguous()
    for name, adapter in adapters.items():
        a, b = contracts.lora_names(contract, name)
        tensors[a] = adapter.a.detach().float().cpu().contiguous()
        tensors[b] = adapter.b.detach().float().cpu().contiguous()
    return tensors


def write_model(out, tensors, split):
    if not split:
        save_file(tensors, os.path.join(out, "model.safetensors"))
        return
    names = sorted(tensors)
    half, size, parts = sum(t.numel() * t.element_size() for t in tensors.values()) / 2, 0, ({}, {})
    for name in names:
        t = tensors[name]
        parts[0 if size < half else 1][name] = t
        size += t.numel() * t.element_size()
    for i, part in enumerate(parts, 1):
        save_file(part, os.path.join(out, "model.part%d.safetensors" % i))


def read_training(specs, contract, limit):
    """Training rows [(ids, label index or -1 for silver)], per-source (size, weight), names for the card, and
    per file (path, rows, whether every row has a label)."""
    train, sizes, data, files = [], [], [], []
    for spec in specs:
        path, weight = spec, 1.0
        if "@" in spec:
            head, tail = spec.rsplit("@", 1)
            try:
                path, weight = head, float(tail)
            except ValueError:
                pass
        rows = contracts.read_encoded(path, contract, limit)
        for row in rows:
            train.append((row["ids"], row["label"]))
        sizes.append((len(rows), weight))
        files.append((path, len(rows), all(row["label"] >= 0 for row in rows)))
        data.append("%s (weight %g)" % (path, weight))
        print("train: %d examples from %s (weight %g)" % (len(rows), path, weight), file=sys.stderr)
    return train, sizes, data, files


def teacher_logits_for(path, files, classes):
    """The teacher's logits for the training files, in order (scripts/gpu/teach.py keys them by file name). A file
    the teacher did not label (added to the mix after the teacher ran: the cue rows, a user's corrected evidence)
    gets NaN rows, and its rows learn from their gold labels alone. `files`: (path, rows, whether every row has a
    label); keys are the files' names without `.ids.jsonl(.gz)`."""
    saved = load_file(path)
    parts = []
    for file, n, has_labels in files:
        key = contracts.file_key(file)
        if key in saved and saved[key].shape[0] >= n:
            parts.append(saved[key][:n].float())
        elif key not in saved and has_labels:
            print("train: no teacher logits for %s in %s: its rows learn from their gold labels alone" % (key, path),
                  file=sys.stderr)
            parts.append(torch.full((n, classes), float("nan")))
        else:
            sys.exit("%s: no teacher logits for %d rows of %s" % (path, n, key))
    return torch.cat(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="base encoder folder (config.json, tokenizer.json, weights)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--train", nargs="+", required=True,
                        help="FILE or FILE@WEIGHT: NAME.ids.jsonl written by `stancemap encode stance` (.gz ok)")
    parser.add_argument("--contract", help="contract.json of `stancemap encode stance` (default: beside the first --train)")
    parser.add_argument("--dev", nargs="+", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--warmup", type=float, default=0.06)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=13, help="data order and dropout (the head starts the same for all)")
    parser.add_argument("--pooling", default="first", choices=["first", "mean"],
                        help="first token (exportable as *ForSequenceClassification) or mean of all tokens")
    parser.add_argument("--lora-rank", type=int, default=0, help="0: full fine-tuning; R: adapters of rank R, alpha 2R")
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast on a GPU (weights and optimizer stay fp32)")
    parser.add_argument("--teacher-logits", help="safetensors from scripts/gpu/teach.py: distil from those logits")
    parser.add_argument("--alpha", type=float, default=0.5, help="weight of the gold label against the teacher")
    parser.add_argument("--kd-temperature", type=float, default=2.0)
    parser.add_argument("--init", help="start from this trained model (full fine-tuning only) instead of the base")
    parser.add_argument("--deadline", type=float, default=0, help="stop after the epoch that ends past this many seconds")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in --out from its last finished epoch (checkpoint.pt, written after each)")
    parser.add_argument("--limit", type=int, default=None, help="first N rows of each file (for trying the script)")
    parser.add_argument("--split-output", action="store_true")
    parser.add_argument("--recipe", metavar="MODEL",
                        help="train as MODEL was trained (its card: lora rank, pooling, epochs, batch size, lr, warm-up, "
                             "weight decay, seed; the same fields `stancemap train stance --recipe` reads); flags given "
                             "beside it win")
    args = parser.parse_args()
    recipe_base = None
    if args.recipe:
        recipe = contracts.recipe(args.recipe)
        recipe_base = recipe.pop("base")
        parser.set_defaults(**recipe)
        args = parser.parse_args()
        print("recipe of %s (%s): %s" % (args.recipe, recipe_base, json.dumps(recipe)), file=sys.stderr)

    started = time.time()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.backends.cuda.matmul.allow_tf32 = True
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    os.makedirs(args.out, exist_ok=True)

    first_train = args.train[0].rsplit("@", 1)[0] if "@" in args.train[0] else args.train[0]
    contract = contracts.read_contract(args.contract or os.path.dirname(os.path.abspath(first_train)))
    pad_id, classes = contract["pad_id"], len(contracts.labels(contract))
    model_type = json.load(open(os.path.join(args.base, "config.json")))["model_type"]
    if recipe_base and recipe_base != contract["card"]["base"]["name"]:
        sys.exit("--recipe %s was trained on %s, but the rows were encoded for %s: encode them for %s" % (
            args.recipe, recipe_base, contract["card"]["base"]["name"], recipe_base))
    wanted = {"minilm": "bert", "mpnet": "mpnet"}.get(contract["card"]["base"]["name"])
    if model_type != wanted:
        sys.exit("--base %s is a %s encoder, but the rows were encoded for %s (%s): encode them for this base" % (
            args.base, model_type, contract["card"]["base"]["name"], contract["card"]["base"]["folder"]))

    train, sizes, data, files = read_training(args.train, contract, args.limit)
    dev = read_dev(args.dev, contract, args.limit)
    lengths = [len(ids) for ids, _ in train]
    teacher = teacher_logits_for(args.teacher_logits, files, classes).to(device) if args.teacher_logits else None
    if teacher is None and any(label < 0 for _, label in train):
        sys.exit("rows without a label need --teacher-logits")

    if args.init and args.lora_rank:
        sys.exit("--init continues a fully fine-tuned model; it cannot be combined with --lora-rank")
    # Every seed starts from the same random head, seed 13's (the shipped runs'), so that students of different
    # seeds can be averaged into a soup (heads from different random starts share nothing: their output layers'
    # cosine is about .03, and averaging such a student into the shipped soup cost .02 on NewsMTSC dev);
    # --seed decides the data order and dropout.
    if args.seed != HEAD_SEED:
        torch.manual_seed(HEAD_SEED)
    model = load_trained(args.base, args.init) if args.init else StanceModel(args.base, args.pooling, classes)
    if args.seed != HEAD_SEED:
        torch.manual_seed(args.seed)
    adapters = {}
    if args.lora_rank:
        adapters = add_lora(model, args.lora_rank, contracts.adaptation(contract, args.lora_rank)["alpha"], contract)
    model.to(device)
    model.encoder.get_input_embeddings().weight.requires_grad_(False)
    if getattr(model.encoder, "pooler", None) is not None:
        for p in model.encoder.pooler.parameters():
            p.requires_grad_(False)
    base = {k: v.float() for k, v in load_file(os.path.join(args.base, "model.safetensors")).items()}
    params = [p for p in model.parameters() if p.requires_grad]
    # The contract's clipping: the encoder's gradients (adapters included) and the head's, each group on its own.
    head = {id(model.get_parameter(name)) for name in contracts.head_names(contract)}
    groups = [[p for p in params if id(p) not in head], [p for p in params if id(p) in head]]
    print("trainable parameters: %d" % sum(p.numel() for p in params), file=sys.stderr)
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay, eps=1e-8)
    rng = random.Random(args.seed)
    per_epoch = len(epoch_indices(sizes, random.Random(0)))
    total = math.ceil(per_epoch / args.batch_size) * args.epochs
    warmup = max(round(total * args.warmup), 1)
    schedule = lambda step: (step + 1) / warmup if step < warmup else max(total - step, 0) / max(total - warmup, 1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    t = args.kd_temperature

    history, best, step, first_epoch = [], None, 0, 0
    checkpoint_path = os.path.join(args.out, CHECKPOINT)
    if args.resume and os.path.exists(checkpoint_path):
        first_epoch, step, history, best = resume(checkpoint_path, model, optimizer, scheduler, rng)
        # The first epoch of a run trains with the encoder's dropout off (from_pretrained leaves the encoder in eval
        # mode until the first evaluation switches the whole model to training); later ones with it on. Kept as it
        # is so that the shipped models' commands reproduce them; a resumed run starts in a later epoch.
        model.train()
        print("resumed after epoch %d of %d (step %d)" % (first_epoch, args.epochs, step), file=sys.stderr)
    clock = time.time()
    for epoch in range(first_epoch, args.epochs):
        tokens = 0
        for batch in length_batches(epoch_indices(sizes, rng), lengths, args.batch_size, rng):
            ids, mask = pad([train[i][0] for i in batch], pad_id, device)
            labels = torch.tensor([train[i][1] for i in batch], device=device)
            with autocast(device, args.bf16):
                logits = model(ids, mask).float()
            gold = labels >= 0
            ce = torch.nn.functional.cross_entropy(logits, labels.clamp_min(0), reduction="none")
            if teacher is None:
                loss = ce.mean()
            else:
                taught = ~teacher[batch, 0].isnan()
                target = torch.softmax(teacher[batch].nan_to_num(0.0) / t, -1)
                kl = (target * (torch.log(target + 1e-9) - torch.log_softmax(logits / t, -1))).sum(-1) * t * t
                loss = torch.where(gold, args.alpha * ce + (1 - args.alpha) * kl, kl)
                loss = torch.where(taught, loss, ce).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            for group in groups:
                torch.nn.utils.clip_grad_norm_(group, contract["clipping"]["norm"])
            optimizer.step()
            scheduler.step()
            step += 1
            tokens += sum(lengths[i] for i in batch)
        seconds = time.time() - clock
        scores = evaluate(model, dev, device, pad_id, args.bf16)
        scores.update({"epoch": epoch + 1, "seconds": round(seconds, 1), "tokens_per_s": round(tokens / seconds)})
        history.append(scores)
        print("epoch %d/%d: selection %.4f macro-F1 %.4f %s (%.0fs, %.0f tokens/s)" % (
            epoch + 1, args.epochs, scores["selection"], scores["macro_f1"],
            " ".join("%s %.4f" % (s, v["macro_f1"]) for s, v in scores["per_source"].items()),
            seconds, tokens / seconds), file=sys.stderr)
        if best is None or scores["selection"] > best["selection"]:
            best = scores
            write_model(args.out, delta_tensors(model, base, adapters, contract), args.split_output)
        with open(os.path.join(args.out, "scores.json"), "w") as f:
            json.dump({"best": best, "history": history}, f, indent=2)
        write_card(args, contract, data, device, best, history)
        save_checkpoint(checkpoint_path, epoch + 1, step, history, best, model, optimizer, scheduler, rng)
        clock = time.time()
        if args.deadline and time.time() - started > args.deadline and epoch + 1 < args.epochs:
            print("deadline: stopped after epoch %d of %d" % (epoch + 1, args.epochs), file=sys.stderr)
            break


CHECKPOINT = "checkpoint.pt"


def save_checkpoint(path, epoch, step, history, best, model, optimizer, scheduler, rng):
    """Everything needed to continue after this epoch as if the run had not stopped (written through a temporary
    file, so a run killed while writing keeps the previous checkpoint)."""
    state = {"epoch": epoch, "step": step, "history": history, "best": best, "model": model.state_dict(),
             "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "rng": rng.getstate(),
             "torch_rng": torch.get_rng_state(),
             "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}
    torch.save(state, path + ".partial")
    os.replace(path + ".partial", path)


def resume(path, model, optimizer, scheduler, rng):
    """Restores a checkpoint into the model, optimizer, schedule and sampler; returns (epochs done, step, history,
    best)."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    rng.setstate(state["rng"])
    torch.set_rng_state(state["torch_rng"])
    if state["cuda_rng"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    return state["epoch"], state["step"], state["history"], state["best"]


def write_card(args, contract, data, device, best, history):
    """The contract's card, with what this run trained on and its per-epoch dev scores."""
    options = {k: v for k, v in vars(args).items() if k not in ("split_output",)}
    training = {
        "data": data,
        "dev": ", ".join(args.dev),
        "command": "scripts/gpu/train_stance.py " + " ".join(sys.argv[1:]),
        "options": dict(options, trainer="scripts/gpu/train_stance.py", torch=torch.__version__,
                        device=torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
                        best_epoch=best["epoch"], epochs_dev=history),
    }
    with open(os.path.join(args.out, "card.json"), "w") as f:
        json.dump(contracts.card(contract, training, {}, args.pooling, args.lora_rank), f, indent=2)


if __name__ == "__main__":
    main()
