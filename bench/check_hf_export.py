"""Shows that Python transformers computes the same logits as stancemap for a model written by `stancemap export hf`.

Usage (the venv comes from bench/python_encoders.sh --setup-only: torch 2.4.0 + transformers 4.46.3):
    cargo run --release -- export hf --model models/ner-fast --out /tmp/ner-fast-hf
    bench/.venv/bin/python bench/check_hf_export.py /tmp/ner-fast-hf
    cargo run --release -- export hf --model models/stance-fast --out /tmp/stance-fast-hf
    bench/.venv/bin/python bench/check_hf_export.py /tmp/stance-fast-hf

Stance exports (AutoModelForSequenceClassification): parity.json holds each question as its marked passage and
second segment; the tokenizer must give the same ids for the pair, and the model the same logits.

The export folder's parity.json holds a few sentences with the token ids, word-shape ids and logits that
stancemap computed. BERT exports take the shapes as token_type_ids; MPNet exports as inputs_embeds (word
embeddings plus word_shapes.safetensors rows). This script loads the folder with AutoTokenizer and AutoModelForTokenClassification,
checks that the tokenizer gives the same ids, runs the model, and reports the largest logit difference.
Exit code 0 when every difference is within --tolerance (default 1e-4), 1 otherwise.
"""

import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoModelForTokenClassification, AutoTokenizer


def check_stance(export_dir: Path, tolerance: float) -> int:
    tokenizer = AutoTokenizer.from_pretrained(export_dir)
    model = AutoModelForSequenceClassification.from_pretrained(export_dir).eval()
    temperature = model.config.stancemap["temperature"]
    worst, ok = 0.0, True
    for case in json.loads((export_dir / "parity.json").read_text()):
        encoded = tokenizer(case["passage"], case["question"], return_tensors="pt")
        if encoded["input_ids"][0].tolist() != case["input_ids"]:
            print(f"token ids differ for {case['passage']!r}")
            ok = False
            continue
        with torch.inference_mode():
            logits = model(**encoded).logits[0]
        difference = (logits - torch.tensor(case["logits"])).abs().max().item()
        worst = max(worst, difference)
        probs = (logits / temperature).softmax(-1).tolist()
        shown = ", ".join(f"{model.config.id2label[i]} {p:.3f}" for i, p in enumerate(probs))
        print(f"max |logit difference| {difference:.2e}  {case['passage']!r} / {case['question']!r}\n  {shown}")
    print(f"largest difference: {worst:.2e} (tolerance {tolerance:g})")
    ok = ok and worst <= tolerance
    print("PARITY OK" if ok else "PARITY FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    torch.set_num_threads(2)
    if any("SequenceClassification" in a for a in AutoConfig.from_pretrained(args.export_dir).architectures):
        return check_stance(args.export_dir, args.tolerance)
    tokenizer = AutoTokenizer.from_pretrained(args.export_dir)
    model = AutoModelForTokenClassification.from_pretrained(args.export_dir).eval()
    cases = json.loads((args.export_dir / "parity.json").read_text())
    shapes_file = args.export_dir / "word_shapes.safetensors"
    shape_embedding = load_file(shapes_file)["weight"] if shapes_file.exists() else None
    worst = 0.0
    ok = True
    for case in cases:
        ids = tokenizer(case["text"])["input_ids"]
        if ids != case["input_ids"]:
            print(f"token ids differ for {case['text']!r}:\n  python {ids}\n  rust   {case['input_ids']}")
            ok = False
            continue
        shapes = torch.tensor([case["word_shape_ids"]])
        with torch.inference_mode():
            if case["shape_input"] == "token_type_ids":
                logits = model(input_ids=torch.tensor([ids]), token_type_ids=shapes).logits[0]
            else:
                words = model.get_input_embeddings()(torch.tensor([ids]))
                logits = model(inputs_embeds=words + shape_embedding[shapes]).logits[0]
        ours = torch.tensor(case["logits"])
        difference = (logits - ours).abs().max().item()
        worst = max(worst, difference)
        labels = [model.config.id2label[i] for i in logits.argmax(-1).tolist()]
        tokens = tokenizer.convert_ids_to_tokens(ids)
        tagged = " ".join(f"{t}/{l}" for t, l in zip(tokens, labels) if l != "O")
        print(f"max |logit difference| {difference:.2e}  {case['text']!r}\n  entities: {tagged}")
    print(f"largest difference: {worst:.2e} (tolerance {args.tolerance:g})")
    ok = ok and worst <= args.tolerance
    print("PARITY OK" if ok else "PARITY FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
