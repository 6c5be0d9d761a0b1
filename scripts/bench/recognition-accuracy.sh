#!/usr/bin/env bash
# Benchmark: document recognition accuracy (issue 23). A labelled synthetic corpus (every form kind recognition knows, in three
# layouts: official, payroll provider/broker, substitute statement; random valid values) is read the way the app reads uploads:
#   text PDF  → PdfPig's text layer
#   image     → the same page rendered by Chromium at 144 dpi (PNG) → Tesseract
#   photo     → the page rotated, tilted, blurred, grainy and shaded on a desk, 12 MP as a phone takes it (JPEG) → Tesseract
#   photo 3 MP → the same scene at 2.9 MP (the page at ~144 dpi): a harder, low-resolution photo
# Images go through the app's own preparation (OcrImages: upright, grey, small images enlarged) before Tesseract,
# and are scored for type, year and each box, with the time per document. Sample images stay in the work folder to look at.
# Usage: scripts/bench/recognition-accuracy.sh [PER_LAYOUT=2] [KEEP_FOLDER]
# TG_RECOGNITION_SEED=N draws another corpus (a held-out check); TG_OCR_ONE_READING=1 reads without the second OCR reading.
# TG_OCR_NO_BLUR_MODEL=1 reads without the reader trained for blurred print (TaxGenius.Core/Recognition/OcrModel, scripts/ocr-model).
# TG_RECOGNITION_INPUTS="photo,photo 3 MP" reads only those inputs (the text PDF always); TG_RECOGNITION_KEEP=1 keeps every sample image;
# TG_RECOGNITION_DUMP_OCR=photo prints, for each photo with a box missed, what was expected and the words OCR read (synthetic data).
# Not run by scripts/test.sh or CI: benchmarks are never timed assertions.
set -euo pipefail
PER_LAYOUT="${1:-2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/servers.sh"
tg_install_missing
FOLDER="${2:-$(mktemp -d /tmp/taxgenius-recognition.XXXXXX)}"

tg_log "Building the benchmark (Release)"
dotnet build "$ROOT/scripts/bench/TaxGenius.Bench/TaxGenius.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

tg_log "Recognizing $PER_LAYOUT document(s) per kind and layout, four ways each; samples in $FOLDER"
TAXGENIUS_CHROMIUM="$TG_CHROMIUM" dotnet "$ROOT/scripts/bench/TaxGenius.Bench/bin/Release/net10.0/TaxGenius.Bench.dll" recognition "$PER_LAYOUT" "$FOLDER"
