// Set up event handlers
const reconnectModal = document.getElementById("components-reconnect-modal");
reconnectModal.addEventListener("components-reconnect-state-changed", handleReconnectStateChanged);

const retryButton = document.getElementById("components-reconnect-button");
retryButton.addEventListener("click", retry);

const resumeButton = document.getElementById("components-resume-button");
resumeButton.addEventListener("click", resume);

document.getElementById("tg-reconnect-reload").addEventListener("click", () => location.reload());

// One state class at a time on the dialog (app.css shows only that state's message and actions).
const stateClasses = ["show", "retrying", "failed", "paused", "resume-failed"].map(s => `components-reconnect-${s}`);

function showState(state) {
    reconnectModal.classList.remove(...stateClasses);
    if (state) {
        reconnectModal.classList.add(`components-reconnect-${state}`);
    }
}

function handleReconnectStateChanged(event) {
    const state = event.detail.state;
    if (state === "hide") {
        showState(null);
        reconnectModal.close();
    } else if (state === "rejected") {
        // The server answered but no longer has this page: a fresh load is the only way on.
        location.reload();
    } else if (stateClasses.includes(`components-reconnect-${state}`)) {
        showState(state);
        if (!reconnectModal.open) {
            reconnectModal.showModal();
        }

        if (state === "failed") {
            document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
            document.getElementById("tg-reconnect-reload").focus();
        }
    }
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenDocumentBecomesVisible);

    try {
        // Reconnect will asynchronously return:
        // - true to mean success
        // - false to mean we reached the server, but it rejected the connection (e.g., unknown circuit ID)
        // - exception to mean we didn't reach the server (this can be sync or async)
        const successful = await Blazor.reconnect();
        if (!successful) {
            // We have been able to reach the server, but the circuit is no longer available.
            // We'll reload the page so the user can continue using the app as quickly as possible.
            const resumeSuccessful = await Blazor.resumeCircuit();
            if (!resumeSuccessful) {
                location.reload();
            } else {
                reconnectModal.close();
            }
        }
    } catch (err) {
        // We got an exception, server is currently unavailable
        document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    }
}

async function resume() {
    try {
        const successful = await Blazor.resumeCircuit();
        if (!successful) {
            location.reload();
        }
    } catch {
        showState("resume-failed");
    }
}

async function retryWhenDocumentBecomesVisible() {
    if (document.visibilityState === "visible") {
        await retry();
    }
}
