#!/usr/bin/env bash
# Imports the public stance sets in ../shared/data/stance (or $SHARED) into canonical JSONL in DIR (default
# .cache/stance-data), each once: NewsMTSC train and dev, P-Stance train and val, SemEval-2016 train and val, IBM
# claim stance, COVID-HCQ, BASIL 2010-2015 (train) and 2016-2017 (dev). Used by the training scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-.cache/stance-data}"
SHARED="${SHARED:-../shared/data/stance}"
mkdir -p "$DATA"
bin=target/release/stancemap
import_set() { # format input out [split]
    if [ ! -s "$DATA/$3" ]; then
        "$bin" import "$1" "$2" --out "$DATA/$3" ${4:+--split "$4"} 2>/dev/null | tail -1
    fi
}
import_set newsmtsc "$SHARED/newsmtsc/train.jsonl" newsmtsc_train.jsonl
import_set newsmtsc "$SHARED/newsmtsc/hf_mt_dev.jsonl" newsmtsc_dev.jsonl
for split in train val; do
    for who in bernie biden trump; do
        import_set pstance "$SHARED/pstance/raw_${split}_$who.csv" "pstance_${split}_$who.jsonl"
    done
    [ -s "$DATA/pstance_$split.jsonl" ] || cat "$DATA"/pstance_"$split"_*.jsonl > "$DATA/pstance_$split.jsonl"
done
import_set semeval "$SHARED/semeval2016" semeval_train.jsonl train
import_set semeval "$SHARED/semeval2016" semeval_val.jsonl val
import_set ibm-claims "$SHARED/ibm_claim_stance/claim_stance_dataset_v1.csv" ibm_train.jsonl train
import_set pstance "$SHARED/covid_hcq/hcq_train.csv" hcq_train.jsonl
import_set basil "$SHARED/basil" basil_train.jsonl 2010-2015
import_set basil "$SHARED/basil" basil_dev.jsonl 2016-2017

