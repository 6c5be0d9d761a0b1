// E-signature in the browser: renders the pages of a PDF (pdf.js, served by the app) into the canvases the page laid out, turns a
// click or tap on a page into a position in fractions of that page (placing fields), and makes the signature image: a name typed
// in a signature font, or strokes drawn with a mouse, a pen or a finger. Only PNG images and positions go back to the server.
import * as pdfjs from "../lib/pdfjs/pdf.min.mjs";

pdfjs.GlobalWorkerOptions.workerSrc = new URL("../lib/pdfjs/pdf.worker.min.mjs", import.meta.url).href;

const documents = new WeakMap();

// Renders every page of the PDF streamed from .NET into container's canvas[data-page]; sets each page box to the page's aspect
// ratio. Returns the number of pages drawn. Re-rendering (a resize) reuses the loaded document.
export async function render(container, streamRef) {
    let pdf = documents.get(container);
    if (!pdf) {
        const data = new Uint8Array(await streamRef.arrayBuffer());
        pdf = await pdfjs.getDocument({ data, isEvalSupported: false, enableXfa: false }).promise;
        documents.set(container, pdf);
    }
    return await draw(container, pdf);
}

async function draw(container, pdf) {
    let drawn = 0;
    for (const canvas of container.querySelectorAll("canvas[data-page]")) {
        const number = Number(canvas.dataset.page);
        if (number < 1 || number > pdf.numPages) continue;
        const page = await pdf.getPage(number);
        const box = canvas.parentElement;
        const base = page.getViewport({ scale: 1 });
        box.style.aspectRatio = `${base.width} / ${base.height}`;
        const cssWidth = Math.max(box.clientWidth, 280);
        const ratio = Math.min(window.devicePixelRatio || 1, 2);
        const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
        drawn++;
    }
    container.dataset.rendered = String(drawn);
    return drawn;
}

// Placing fields: a click or tap on a page box tells .NET the page and the point in fractions of the page (0..1 from top-left).
export function listenForPlacement(container, dotnet) {
    const handler = event => {
        const box = event.target.closest("[data-page-box]");
        if (!box || event.target.closest(".tg-field")) return;
        const rect = box.getBoundingClientRect();
        const x = (event.clientX - rect.left) / rect.width;
        const y = (event.clientY - rect.top) / rect.height;
        dotnet.invokeMethodAsync("PlaceAt", Number(box.dataset.pageBox), x, y);
    };
    container.addEventListener("click", handler);
    return { dispose: () => container.removeEventListener("click", handler) };
}

// A drawing pad on a canvas: pointer events, so mouse, pen and finger all draw; the page does not scroll while drawing on it.
const pads = new WeakMap();

export function initPad(canvas) {
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    canvas.width = Math.floor(canvas.clientWidth * ratio);
    canvas.height = Math.floor(canvas.clientHeight * ratio);
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#0b2a6f";
    const state = { drawing: false, strokes: 0 };
    pads.set(canvas, state);
    const point = e => {
        const r = canvas.getBoundingClientRect();
        return [e.clientX - r.left, e.clientY - r.top];
    };
    canvas.addEventListener("pointerdown", e => {
        canvas.setPointerCapture(e.pointerId);
        state.drawing = true;
        const [x, y] = point(e);
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + 0.1, y + 0.1);
        ctx.stroke();
        e.preventDefault();
    });
    canvas.addEventListener("pointermove", e => {
        if (!state.drawing) return;
        const [x, y] = point(e);
        ctx.lineTo(x, y);
        ctx.stroke();
        e.preventDefault();
    });
    const end = () => {
        if (state.drawing) state.strokes++;
        state.drawing = false;
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
}

export function clearPad(canvas) {
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    const state = pads.get(canvas);
    if (state) state.strokes = 0;
}

// The drawing cropped to its ink (with a margin), as PNG base64; null when nothing was drawn.
export function padToPng(canvas) {
    const state = pads.get(canvas);
    if (!state || state.strokes === 0) return null;
    return crop(canvas);
}

// A typed name drawn in the signature font, as PNG base64.
export async function typedToPng(name) {
    const font = "64px 'Dancing Script'";
    await document.fonts.load(font);
    const canvas = document.createElement("canvas");
    const ctx = canvas.getContext("2d");
    ctx.font = font;
    const width = Math.ceil(ctx.measureText(name).width) + 40;
    canvas.width = Math.min(Math.max(width, 120), 2400);
    canvas.height = 110;
    ctx.font = font;
    ctx.fillStyle = "#0b2a6f";
    ctx.textBaseline = "middle";
    ctx.fillText(name, 20, 58);
    return crop(canvas);
}

function crop(canvas) {
    const ctx = canvas.getContext("2d");
    const { width, height } = canvas;
    const pixels = ctx.getImageData(0, 0, width, height).data;
    let top = height, left = width, right = -1, bottom = -1;
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            if (pixels[(y * width + x) * 4 + 3] > 0) {
                if (x < left) left = x;
                if (x > right) right = x;
                if (y < top) top = y;
                if (y > bottom) bottom = y;
            }
        }
    }
    if (right < 0) return null;
    const margin = 8;
    left = Math.max(0, left - margin); top = Math.max(0, top - margin);
    right = Math.min(width - 1, right + margin); bottom = Math.min(height - 1, bottom + margin);
    const out = document.createElement("canvas");
    // Small enough for the server's limit: at most 900 px wide.
    const scale = Math.min(1, 900 / (right - left + 1));
    out.width = Math.max(40, Math.round((right - left + 1) * scale));
    out.height = Math.max(10, Math.round((bottom - top + 1) * scale));
    out.getContext("2d").drawImage(canvas, left, top, right - left + 1, bottom - top + 1, 0, 0, out.width, out.height);
    return out.toDataURL("image/png").split(",")[1];
}
