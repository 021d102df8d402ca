#!/usr/bin/env bash
# K-fold cross-validation of the NLU pipeline(s): [FOLDS=5] scripts/cross-validate.sh [CONFIG ...]
# The folds are drawn with a fixed seed, so two runs on the same data split alike.
# Reports land in results/cv-<name>/ (intent_report.json, DIETClassifier_report.json).
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDS=${FOLDS:-5}
[ $# -gt 0 ] || set -- config.yml
mkdir -p results
for cfg in "$@"; do
  name=$(basename "$cfg" .yml)
  echo "== $name ($FOLDS folds)"
  start=$(date +%s)
  # rasa draws the folds from numpy's global generator (StratifiedKFold without a seed): seed it first.
  TF_CPP_MIN_LOG_LEVEL=2 .venv-engine/bin/python -c '
import sys
import numpy
numpy.random.seed(7)
from rasa.__main__ import main
sys.argv = ["rasa", *sys.argv[1:]]
main()' test nlu --nlu nlu --config "$cfg" --cross-validation --folds "$FOLDS" \
    --out "results/cv-$name" >"results/cv-$name.log" 2>&1 || { tail -20 "results/cv-$name.log"; exit 1; }
  echo "   $(( $(date +%s) - start )) s"
  .venv/bin/python - "$name" <<'PY'
import json, sys
name = sys.argv[1]
for label, path in (("intent", "intent_report.json"), ("entity", "DIETClassifier_report.json")):
    report = json.load(open(f"results/cv-{name}/{path}"))
    avg = report["weighted avg"] if label == "intent" else report["micro avg"]
    print(f"   {label:7s} P {avg['precision']:.3f}  R {avg['recall']:.3f}  F1 {avg['f1-score']:.3f}")
PY
done
