#!/usr/bin/python3
"""render-photo.py WORK N: for train.sh, renders chunk N (40 lines from lines.py) in Chromium with a phone photo's blur, contrast,
grain and JPEG, writes the line boxes, and makes Tesseract's .lstmf. The same CSS as the recognition benchmark's photos (scripts/bench/TaxGenius.Bench/
RecognitionAccuracy.cs, PhotoEffects) but flat: no tilt or rotation, so each line's box is known. Fonts: those in WORK/fonts (not DejaVu
Sans, the benchmark's own font, so that the benchmark reads print the model never saw)."""
import os, random, subprocess, sys

work, n = sys.argv[1], int(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
r = random.Random(n * 7919 + 13)
name = f'{work}/cg/k{n:04d}'
lines = 40
# The page's geometry in CSS pixels, which the line boxes below are computed from: each line's row, the page's margin and padding
# (together before the first row and beside every row), and Chromium's device pixels per CSS pixel.
ROW, MARGIN, PADDING, SCALE = 24, 20, 10, 4
INSET = MARGIN + PADDING
height = lines * ROW + 2 * INSET
subprocess.run(['/usr/bin/python3', f'{here}/lines.py', str(100000 + n), str(lines), name + '.txt', f'{work}/words.txt'], check=True)
text = [l.rstrip('\n') for l in open(name + '.txt', encoding='utf-8')]
fonts = sorted(f for f in os.listdir(f'{work}/fonts') if 'Italic' not in f and 'Oblique' not in f)
font = r.choice(fonts)
size = r.uniform(6.5, 10.5)
blur = r.uniform(0.0, 0.35) if r.random() < 0.2 else r.uniform(0.35, 1.0)
bold = 'bold' if r.random() < 0.12 else 'normal'
shade = r.uniform(0.0, 0.3)
width = int(min(760, 80 + max(len(t) for t in text) * size * 0.62))
esc = lambda s: s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
html = f"""<!doctype html><html><head><meta charset="utf-8"><style>
@font-face{{font-family:F;src:url(file://{work}/fonts/{font})}}
html,body{{margin:0}} body{{background:#7d705f;width:{width}px}}
.page{{background:#fff;margin:{MARGIN}px;padding:{PADDING}px;font-family:F;font-weight:{bold};color:#111;filter:blur({blur:.2f}px) contrast(.92) brightness(.97)}}
.l{{height:{ROW}px;line-height:{ROW}px;font-size:{size:.2f}px;white-space:pre;overflow:hidden}}
.shade{{position:fixed;inset:0;background:linear-gradient({r.randint(0, 359)}deg,rgba(0,0,0,{shade:.2f}),rgba(0,0,0,0) 60%)}}
</style></head><body><div class="page">{''.join(f'<div class="l">{esc(t)}</div>' for t in text)}</div><div class="shade"></div>
<svg style="position:fixed;inset:0;opacity:.16;mix-blend-mode:multiply" width="{width}" height="{height}"><filter id="g"><feTurbulence type="fractalNoise" baseFrequency="1.6" numOctaves="2" seed="{r.randint(1, 999)}"/></filter><rect width="100%" height="100%" filter="url(#g)"/></svg>
</body></html>"""
open(name + '.html', 'w', encoding='utf-8').write(html)
subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', f'--force-device-scale-factor={SCALE}',
                f'--window-size={width},{height}', f'--screenshot={name}.shot.png', f'file://{name}.html'], capture_output=True, timeout=120)
subprocess.run(['convert', name + '.shot.png', '-quality', '72', name + '.jpg'], check=True)
subprocess.run(['convert', name + '.jpg', '-colorspace', 'gray', name + '.png'], check=True)
H = height * SCALE
with open(name + '.box', 'w', encoding='utf-8') as box:
    for i, t in enumerate(text):
        if not t.strip(): continue
        # The line's letters only, as Tesseract's layout finds a line on a page: the box's height is what the network scales to.
        middle = INSET + i * ROW + ROW / 2
        top, bottom = round((middle - 0.75 * size) * SCALE), round((middle + 0.75 * size) * SCALE)
        # and only as wide as its ink (Chromium does not say where a line ends): the band normalized, thresholded, trimmed.
        band = f'{(width - 2 * INSET) * SCALE}x{bottom - top}+{INSET * SCALE}+{top}'
        ink = subprocess.run(['convert', name + '.png', '-crop', band, '+repage', '-normalize', '-threshold', '50%', '-negate', '-trim', '-format', '%@', 'info:'],
                             capture_output=True, text=True).stdout
        ink_width, _, ink_left = (int(v) for v in ink.replace('x', '+').split('+')[:3]) if ink else ((width - 2 * INSET) * SCALE, 0, 0)
        left = max(0, INSET * SCALE + ink_left - round(size * 3))
        right = min(width * SCALE, INSET * SCALE + ink_left + ink_width + round(size * 3))
        box.write(f'WordStr {left} {H - bottom} {right} {H - top} 0 #{t}\n')
        box.write(f'\t {right} {H - bottom} {right + 1} {H - top} 0\n')
subprocess.run(['tesseract', name + '.png', name, '--psm', '6', 'lstm.train'], capture_output=True, env={**os.environ, 'OMP_THREAD_LIMIT': '1'})
for ext in ('.shot.png', '.jpg', '.html'):
    os.remove(name + ext)
print(n, font, f'{size:.1f}px', f'blur {blur:.2f}', 'ok' if os.path.exists(name + '.lstmf') else 'NO LSTMF')
