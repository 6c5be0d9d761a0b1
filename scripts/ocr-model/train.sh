#!/usr/bin/env bash
# Trains, from scratch, a Tesseract line reader for print too blurred for Tesseract's English model: the photos document recognition
# sends back to the client (issue 23; docs/performance.md, "A reader trained for blurred print"). The app ships this script's
# output (with the defaults below) as TaxGenius.Core/Recognition/OcrModel/tgblur.traineddata: copy WORK/tgblur.traineddata there to
# replace it, and measure with scripts/bench/recognition-accuracy.sh (TG_OCR_NO_BLUR_MODEL=1 reads without it) on held-out seeds.
# Its data is generated here, never downloaded: lines of tax-document text (lines.py: the IRS forms' wording, random words as names,
# amounts and numbers), set in fonts other than the benchmark's DejaVu Sans (Liberation, FreeFont, URW, Lato: apt-get download,
# unpacked into the work folder, not installed, so Chromium's own fonts and the benchmark stay as they are), blurred as the photos are:
#   stage 1: PAGES pages set by text2image (render-page.sh), trained from scratch for STAGE1 iterations;
#   stage 2: PHOTOS pages rendered by Chromium with the benchmark's photo CSS (render-photo.py), twice over with stage 1's pages,
#            trained on from stage 1 for STAGE2 iterations.
# One core at the lowest priority (renders two at a time). Writes WORK/tgblur.traineddata.
# Usage: scripts/ocr-model/train.sh [WORK=/tmp/taxgenius-ocr-model]
# PAGES=720 PHOTOS=250 STAGE1=76600 STAGE2=17100 (the run in docs/performance.md) set the amounts. Training stage 2 on to 45,800
# iterations read no more of the blurred photos' values (docs/performance.md): more and other photo pages are the next step.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/../lib/servers.sh"
tg_install_missing
command -v convert >/dev/null 2>&1 || { $TG_SUDO apt-get install -y -q --no-install-recommends imagemagick; }
WORK="${1:-/tmp/taxgenius-ocr-model}"
PAGES="${PAGES:-720}"; PHOTOS="${PHOTOS:-250}"; STAGE1="${STAGE1:-76600}"; STAGE2="${STAGE2:-17100}"
mkdir -p "$WORK"/{gt,cg,fc,fonts,debs,out,ckpt1,ckpt2,langdata}
cd "$WORK"

if [ ! -s words.txt ]; then
  tg_log "Word list from Tesseract's English model"
  combine_tessdata -u "$(tesseract --list-langs 2>&1 | sed -n 's/^List of available languages in "\(.*\)".*/\1/p')/eng.traineddata" eng. >/dev/null
  dawg2wordlist eng.lstm-unicharset eng.lstm-word-dawg words.txt >/dev/null
fi
if [ -z "$(ls fonts)" ]; then
  tg_log "Fonts (unpacked, not installed)"
  (cd debs && apt-get download fonts-liberation2 fonts-freefont-ttf fonts-urw-base35 fonts-lato >/dev/null && for d in *.deb; do dpkg-deb -x "$d" x; done)
  find debs/x \( -name "*.ttf" -o -name "*.otf" \) \
    | grep -E "Liberation|Free(Sans|Serif|Mono)|NimbusSans-|NimbusSansNarrow-|NimbusRoman-|NimbusMonoPS-|URWGothic-|Lato-(Regular|Bold|Medium)\.ttf" \
    | xargs -I{} cp {} fonts/
fi
if [ ! -s out/tgb/tgb.traineddata ]; then
  tg_log "Character set and starter model"
  for s in 90000 90001 90002 90003 90004 90005 90006 90007; do /usr/bin/python3 "$HERE/lines.py" $s 500 "all$s.txt" words.txt; done
  cat all9000*.txt > all.txt
  unicharset_extractor --output_unicharset unicharset --norm_mode 1 all.txt >/dev/null 2>&1
  # combine_lang_model reads a radical-stroke table (used by CJK scripts) whatever the script; one entry does for Latin.
  echo "13312 1 4" > langdata/radical-stroke.txt
  combine_lang_model --input_unicharset unicharset --script_dir langdata --output_dir out --lang tgb >/dev/null 2>&1
fi
charset=$(sed -n 1p unicharset)

tg_log "Stage 1: $PAGES text2image pages"
seq 0 $((PAGES - 1)) | nice -n 5 xargs -P2 -I{} sh -c "[ -s gt/\$(printf c%04d {}).lstmf ] || '$HERE/render-page.sh' '$WORK' {}" > render-pages.log
ls gt/*.lstmf | sort | head -n $((PAGES - 20)) > train1.list
ls gt/*.lstmf | sort | tail -n 20 > eval1.list
[ -s ckpt1/tgb_checkpoint ] || OMP_THREAD_LIMIT=1 nice -n 19 lstmtraining --traineddata out/tgb/tgb.traineddata \
  --net_spec "[1,36,0,1 Ct3,3,16 Mp3,3 Lfys48 Lfx96 Lrx96 Lfx192 O1c$charset]" --model_output ckpt1/tgb --learning_rate 0.002 \
  --train_listfile train1.list --eval_listfile eval1.list --max_iterations "$STAGE1" --target_error_rate 0.01 --debug_interval 0 > train1.log 2>&1

tg_log "Stage 2: $PHOTOS Chromium photo pages"
seq 0 $((PHOTOS - 1)) | nice -n 5 xargs -P2 -I{} sh -c "[ -s cg/\$(printf k%04d {}).lstmf ] || /usr/bin/python3 '$HERE/render-photo.py' '$WORK' {}" > render-photos.log
photos=$(ls cg/*.lstmf | sort | tail -n +11)
{ cat train1.list; echo "$photos"; echo "$photos"; } | shuf --random-source=<(yes) > train2.list
{ ls cg/*.lstmf | sort | head -n 10; cat eval1.list; } > eval2.list
OMP_THREAD_LIMIT=1 nice -n 19 lstmtraining --traineddata out/tgb/tgb.traineddata --continue_from ckpt1/tgb_checkpoint --model_output ckpt2/tgb \
  --train_listfile train2.list --eval_listfile eval2.list --max_iterations "$STAGE2" --target_error_rate 0.005 --debug_interval 0 > train2.log 2>&1

lstmtraining --stop_training --continue_from ckpt2/tgb_checkpoint --traineddata out/tgb/tgb.traineddata --model_output tgblur.traineddata >/dev/null 2>&1
tg_log "Model: $WORK/tgblur.traineddata ($(grep -o 'BCER train=[0-9.]*' train2.log | tail -1))"
