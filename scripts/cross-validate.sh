#!/usr/bin/env bash
# 5-fold cross-validation of the NLU pipeline(s): scripts/cross-validate.sh [CONFIG ...]
# Reports land in results/cv-<name>/ (intent_report.json, DIETClassifier_report.json).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- config.yml tests/engine/pipelines/no_transformer.yml
for cfg in "$@"; do
  name=$(basename "$cfg" .yml)
  echo "== $name"
  start=$(date +%s)
  TF_CPP_MIN_LOG_LEVEL=2 .venv-engine/bin/rasa test nlu --nlu nlu --config "$cfg" --cross-validation --folds 5 \
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
