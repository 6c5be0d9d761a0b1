#!/usr/bin/env bash
# Stands in for tesseract in the recognition benchmark, to measure what the blur model (train.sh) would bring:
#   TG_BLUR_MODEL=/folder/holding/tgblur.traineddata TAXGENIUS_TESSERACT=scripts/ocr-model/tesseract-or-blur-model.sh \
#     TG_RECOGNITION_INPUTS=photo scripts/bench/recognition-accuracy.sh
# Each call runs Tesseract's English model as the app does; when that reading is mostly guesses (mean word confidence under 60, the
# app's OcrLegibility.LegibleFrom), the blur model's reading of the same page with the same page segmentation is returned instead.
# The app's own calls are `tesseract IMAGE stdout --psm N -l eng tsv`.
set -uo pipefail
image=$1; psm=$4
out=$(tesseract "$@" 2>/dev/null)
mean=$(printf '%s\n' "$out" | awk -F'\t' 'NR > 1 && $1 == 5 && $11 >= 0 { s += $11; n++ } END { if (n == 0) print 0; else printf "%d", s / n }')
if [ "$mean" -lt 60 ] && [ -n "${TG_BLUR_MODEL:-}" ]; then
  exec tesseract "$image" stdout --psm "$psm" --tessdata-dir "$TG_BLUR_MODEL" -l tgblur -c tessedit_create_tsv=1 2>/dev/null
fi
printf '%s\n' "$out"
