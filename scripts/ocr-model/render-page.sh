#!/usr/bin/env bash
# One training page for train.sh: 25 lines (lines.py) set by Tesseract's text2image in a font and size of the chunk's own, blurred
# relative to the letters' size (a fifth of the pages nearly sharp, the rest as blurred as the photos recognition sends back),
# with grain, less contrast and JPEG; then Tesseract cuts the lines out along text2image's boxes into a .lstmf training file.
# Usage: render-page.sh WORK N   (WORK: train.sh's work folder, holding words.txt, unicharset, fonts/ and fc/)
set -euo pipefail
WORK=$1; i=$2
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
n=$(printf "c%04d" "$i")
fonts=("Liberation Sans" "Liberation Sans Bold" "Liberation Serif" "Liberation Mono" "FreeSans" "FreeSans Semi-Bold" "FreeSerif" "FreeMono"
       "Nimbus Sans" "Nimbus Sans Bold" "Nimbus Sans Narrow Semi-Condensed" "Nimbus Roman" "Nimbus Mono PS" "URW Gothic" "Lato" "Lato Bold" "Lato Medium")
RANDOM=$i
f=${fonts[$((RANDOM % ${#fonts[@]}))]}
pt=$((6 + RANDOM % 6))
/usr/bin/python3 "$HERE/lines.py" "$i" 25 "$WORK/gt/$n.txt" "$WORK/words.txt"
sigma=$(awk -v r=$RANDOM -v r2=$RANDOM -v pt=$pt 'BEGIN{px=pt*300/72; f=(r2%5==0)? (r/32767)*0.05 : 0.05+(r/32767)*0.08; printf "%.2f", px*f}')
lo=$((RANDOM % 25)); hi=$((85 + RANDOM % 15))
# text2image rewrites its fontconfig files in fc/ at every start: one at a time.
flock "$WORK/t2i.lock" text2image --text="$WORK/gt/$n.txt" --outputbase="$WORK/gt/$n" --font="$f" --fonts_dir="$WORK/fonts" --fontconfig_tmpdir="$WORK/fc" \
  --ptsize=$pt --resolution=300 --xsize=2550 --ysize=3300 --margin=80 --leading=$((20 + RANDOM % 30)) --char_spacing=0 \
  --unicharset_file="$WORK/unicharset" >/dev/null 2>&1
convert "$WORK/gt/$n.tif" -type Grayscale -depth 8 -blur 0x$sigma -attenuate 0.3 +noise Gaussian +level ${lo}%,${hi}% -quality 75 "$WORK/gt/$n.jpg"
convert "$WORK/gt/$n.jpg" -type Grayscale "$WORK/gt/$n.png"
rm "$WORK/gt/$n.tif" "$WORK/gt/$n.jpg"
OMP_THREAD_LIMIT=1 tesseract "$WORK/gt/$n.png" "$WORK/gt/$n" --psm 6 lstm.train >/dev/null 2>&1
echo "$n font=$f pt=$pt sigma=$sigma"
