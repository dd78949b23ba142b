#!/usr/bin/env bash
# Turns the hand-annotated gold rows in gold/ (ANNOTATION.md's CSV, evidence named by reference: see
# scripts/hand_evidence.py) into training data in DIR (default .cache/hand-data), each file once:
#
#   SET.csv                 the rows with their evidence sentences back in
#   SET.conll               every place an issue row's target or alias is written, tagged ISSUE (the issue tagger's data)
#   SET_stance.jsonl        the run's own questions that a row labels favor/against (the relations model's data)
#   SET_neutral.jsonl       the questions no row names (neutral)
#
# for SET in seesaw_train (SEESAW train, 375 articles), seesaw_valid (105, the dev set) and polnear_train (PolNeAR
# train, 393 articles); a set whose gold file is newer than its CSV is imported again. The questions come from the
# issue tagger in models/issues-fast (or $ISSUE_MODEL): import again after retraining it (remove DIR's *.jsonl).
# Used by scripts/train_issues.sh and scripts/train_relations.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-.cache/hand-data}"
SEESAW="${SEESAW:-../shared/data/stance/seesaw}"
POLNEAR="${POLNEAR:-../shared/data/attribution/polnear}"
mkdir -p "$DIR"
bin=target/release/stancemap
issue_model=(${ISSUE_MODEL:+--issue-model "$ISSUE_MODEL"})
for split in train valid; do
    [ -d "$DIR/seesaw-$split/corpus" ] || "$bin" import seesaw "$SEESAW" --split "$split" --gold "$DIR/seesaw-$split" >/dev/null
done
import_set() { # name gold corpus [hand_evidence.py flags]
    local name=$1 gold=$2 corpus=$3
    shift 3
    # A gold file changed since its last import: import it again.
    [ "$gold" -nt "$DIR/$name.csv" ] && rm -f "$DIR/$name.csv" "$DIR/$name.conll" "$DIR/$name"*.jsonl
    [ -s "$DIR/$name.csv" ] || python3 scripts/hand_evidence.py "$gold" "$@" > "$DIR/$name.csv"
    [ -s "$DIR/$name.conll" ] || "$bin" import articles "$DIR/$name.csv" --corpus "$corpus" --issues "$DIR/$name.conll"
    if [ ! -s "$DIR/${name}_stance.jsonl" ]; then
        "$bin" import articles "$DIR/$name.csv" --corpus "$corpus" --out "$DIR/$name.jsonl" "${issue_model[@]}"
        grep -v '"label":"neutral"' "$DIR/$name.jsonl" > "$DIR/${name}_stance.jsonl"
        grep '"label":"neutral"' "$DIR/$name.jsonl" > "$DIR/${name}_neutral.jsonl"
    fi
}
SEESAW="$SEESAW" import_set seesaw_train gold/seesaw_train_hand.csv "$DIR/seesaw-train/corpus"
SEESAW="$SEESAW" import_set seesaw_valid gold/seesaw_valid_hand.csv "$DIR/seesaw-valid/corpus"
import_set polnear_train gold/polnear_train_hand.csv "$POLNEAR/train/text" --corpus "$POLNEAR/train/text"
