// Uploads for /client/documents. MudFileUpload picks the files (click, drop, camera); this module keeps the browser's File objects
// and sends each one as the raw body of POST /api/documents with XMLHttpRequest, whose upload events give real progress, and
// which can be aborted (cancel). Nothing about the file goes into the URL.
const files = new Map();
const uploads = new Map();

const keyOf = f => `${f.name}|${f.size}|${f.lastModified}`;

function remember(list) {
    for (const file of list ?? []) {
        files.set(keyOf(file), file);
    }
}

export function watch(container) {
    if (!container || container.dataset.tgWatching) {
        return;
    }
    container.dataset.tgWatching = "true";
    // Capture phase: runs before Blazor's own listener on the input, so the file is known here before .NET hears of it.
    container.addEventListener("change", e => { if (e.target?.type === "file") remember(e.target.files); }, true);
    container.addEventListener("drop", e => remember(e.dataTransfer?.files), true);
}

// Brings the upload card (with the note on what the next file is for) below the app bar and focuses "Choose files", without
// scrolling again for the focus.
export function reveal(zone) {
    const card = zone?.closest(".mud-card") ?? zone;
    if (!card) {
        return;
    }
    const bar = document.querySelector(".mud-appbar")?.getBoundingClientRect().height ?? 0;
    window.scrollTo({ top: card.getBoundingClientRect().top + window.scrollY - bar - 8, behavior: "smooth" });
    zone.querySelector("[data-testid='choose-files']")?.focus({ preventScroll: true });
}

export function start(id, fileKey, url, headers, dotnet) {
    const file = files.get(fileKey);
    if (!file) {
        dotnet.invokeMethodAsync("UploadFinished", id, -1, "");
        return;
    }

    const xhr = new XMLHttpRequest();
    uploads.set(id, xhr);
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) {
        xhr.setRequestHeader(name, value);
    }
    xhr.setRequestHeader("Content-Type", "application/octet-stream");

    let last = 0;
    xhr.upload.onprogress = e => {
        const now = performance.now();
        if (now - last > 100 || e.loaded === e.total) {
            last = now;
            dotnet.invokeMethodAsync("UploadProgress", id, e.loaded, e.total || file.size);
        }
    };
    const finish = status => {
        uploads.delete(id);
        if (status >= 200 && status < 300) {
            files.delete(fileKey);
        }
        dotnet.invokeMethodAsync("UploadFinished", id, status, xhr.responseText ?? "");
    };
    xhr.onload = () => finish(xhr.status);
    xhr.onerror = () => finish(0);
    xhr.onabort = () => finish(-2);
    xhr.send(file);
}

export function cancel(id) {
    uploads.get(id)?.abort();
}

export function forget(fileKey) {
    files.delete(fileKey);
}
