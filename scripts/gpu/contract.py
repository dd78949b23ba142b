#!/usr/bin/env python3
"""The Python side of the trainer contract (src/train/contract.rs): what `stancemap encode stance` wrote, read
without torch.

stancemap owns the model's input and format. `stancemap encode stance FILE... --encoder E --out DIR` writes
DIR/NAME.ids.jsonl (one row per example: id, source, label or null, ids: the token ids stancemap's trainer and
`run` give the model) and DIR/contract.json (the card the trained model carries, the padding id, the tensor names,
how gradients are clipped). train_stance.py and teach.py read them through this module and encode nothing
themselves; the card and the tensor names they write come from the contract.

    python3 scripts/gpu/contract.py check DIR     # prints what this module reads from DIR, as JSON (and the card
                                                  # of a mean-pooled model with rank-4 adapters)
    python3 scripts/gpu/contract.py recipe MODEL  # prints the recipe train_stance.py --recipe MODEL takes, as JSON
    (tests/trainer_contract.rs compares both with stancemap's own encoding, card and recipe)

A model's recipe (src/train/recipe.rs reads the same fields): the card's base name, adaptation (its LoRA rank) and
pooling, and from training.options: epochs, batch_size, lr, warmup, weight_decay, seed. A soup has none.
"""
import gzip
import json
import os
import sys
import time

CONTRACT_FILE = "contract.json"
ENCODED_SUFFIXES = (".ids.jsonl.gz", ".ids.jsonl")


def read_contract(path):
    """The contract: `path` is contract.json or the folder holding it."""
    if os.path.isdir(path):
        path = os.path.join(path, CONTRACT_FILE)
    with open(path, encoding="utf-8") as f:
        contract = json.load(f)
    for key in ("card", "stored_as", "lora_alpha_per_rank", "pad_id", "max_tokens", "tensors", "clipping"):
        if key not in contract:
            sys.exit("%s: not a stancemap trainer contract (no %r); write it with `stancemap encode stance`" % (path, key))
    return contract


def labels(contract):
    return contract["card"]["labels"]


def read_encoded(path, contract, limit=None):
    """The rows of an encoded file: dicts with `id`, `source`, `ids` and `label` (an index into the contract's
    labels, or -1 for a row without one)."""
    if not path.endswith(ENCODED_SUFFIXES):
        sys.exit("%s: not an encoded file (NAME.ids.jsonl); run `stancemap encode stance` on it" % path)
    opener = gzip.open if path.endswith(".gz") else open
    names = labels(contract)
    rows = []
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            ids = row["ids"]
            if len(ids) > contract["max_tokens"]:
                sys.exit("%s:%d: %d ids, more than the contract's %d" % (path, number, len(ids), contract["max_tokens"]))
            label = row.get("label")
            rows.append({"id": row["id"], "source": row["source"], "ids": ids,
                         "label": names.index(label) if label is not None else -1})
            if limit is not None and len(rows) >= limit:
                break
    return rows


def file_key(path):
    """The name an encoded file goes by (teacher logits are stored under it): its base name without the suffix."""
    name = os.path.basename(path)
    for suffix in ENCODED_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def head_names(contract):
    return contract["tensors"]["head"]


def delta_name(contract, parameter):
    return contract["tensors"]["delta_prefix"] + parameter


def lora_names(contract, projection):
    prefix = contract["tensors"]["lora_prefix"]
    return prefix + projection + ".a", prefix + projection + ".b"


def trains(contract, parameter, lora):
    """Whether an encoder parameter is trained (and stored as a delta): with adapters (`lora`), the layer norms
    and relative position bias only; else everything but the frozen weights."""
    if parameter in contract["tensors"]["frozen"] or parameter.startswith("pooler."):
        return False
    if lora:
        return "LayerNorm" in parameter or "relative_attention_bias" in parameter
    return True


def adaptation(contract, lora_rank):
    """The card's `adaptation` for full fine-tuning (rank 0) or adapters of `lora_rank`."""
    if not lora_rank:
        return {"kind": "full"}
    return {"kind": "lora", "rank": lora_rank, "alpha": contract["lora_alpha_per_rank"] * lora_rank}


def card(contract, training, dev, pooling="first", lora_rank=0):
    """The card of a model trained under the contract with `pooling` and `lora_rank` (0: full fine-tuning): the
    contract's fields, the `training` section and dev scores filled in, dated now."""
    out = dict(contract["card"])
    out["pooling"] = pooling
    out["adaptation"] = adaptation(contract, lora_rank)
    out["stored_as"] = contract["stored_as"]["lora" if lora_rank else "full"]
    out["training"] = training
    out["dev"] = dev
    out["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return out


RECIPE_OPTIONS = ("epochs", "batch_size", "lr", "warmup", "weight_decay", "seed")


def recipe(model):
    """What MODEL's card says it was trained with, as train_stance.py's option names: base (the name), lora_rank
    (0: full fine-tuning), pooling, and the schedule options the card records. Exits on a soup or a tagger."""
    path = os.path.join(model, "card.json")
    try:
        card_json = json.load(open(path))
    except (OSError, ValueError) as e:
        sys.exit("%s: cannot read the card: %s" % (path, e))
    if card_json.get("task", "stance") != "stance":
        sys.exit("%s: a %s model's recipe cannot train a stance model" % (model, card_json["task"]))
    options = card_json["training"]["options"]
    if "soup_of" in options:
        sys.exit("%s: this model is a soup, the weight average of %d runs, and has no single recipe; train one of its "
                 "runs again (their commands are in the card's training.soup) or follow training.reproduce"
                 % (model, len(options["soup_of"])))
    adaptation_json = card_json.get("adaptation") or {"kind": "full"}
    out = {"base": card_json["base"]["name"],
           "lora_rank": adaptation_json["rank"] if adaptation_json["kind"] == "lora" else 0,
           "pooling": card_json.get("pooling") or "first"}
    out.update({key: options[key] for key in RECIPE_OPTIONS if options.get(key) is not None})
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "recipe":
        print(json.dumps(recipe(sys.argv[2])))
        return
    if len(sys.argv) != 3 or sys.argv[1] != "check":
        sys.exit(__doc__)
    folder = sys.argv[2]
    contract = read_contract(folder)
    files = sorted(f for f in os.listdir(folder) if f.endswith(ENCODED_SUFFIXES))
    rows = {file_key(f): read_encoded(os.path.join(folder, f), contract) for f in files}
    training = {"data": ["check"], "dev": "", "command": "contract.py check", "options": {}}
    print(json.dumps({"rows": rows, "card": card(contract, training, {}, "mean", 4), "labels": labels(contract),
                      "pad_id": contract["pad_id"], "clipping": contract["clipping"]}))


if __name__ == "__main__":
    main()
