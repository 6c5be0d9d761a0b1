// The tab's one connection to the live hub (/hubs/live): every live event of the app (a document's status, an engagement's stage
// or checklist, messages) arrives here as live(name, payload) and is handed to the page's .NET side (LiveConnection), which
// refreshes the affected component. One connection per tab, whatever page is open; it reconnects by itself, and after a
// reconnect the page is told to catch up on what it may have missed.
import "../lib/signalr/signalr.min.js";

const listeners = new Set();
const followed = new Set();
let connection = null;
// Set when the tab was without a connection after having tried for one (the server was unreachable, or the connection closed): the
// page was shown from the database meanwhile and events sent in that time never came, so the next connection asks it to catch up.
let missed = false;
// When the page began loading (the server's clock, Unix ms), until the first connection asks the hub whether anything was sent to
// this user since: an event sent before the connection was open reached no one here.
let loadedAt = null;

function setState(state) {
    // For people (nothing shows it yet) and for end-to-end tests, which wait for "connected" before they change data elsewhere.
    document.documentElement.dataset.tgLive = state;
}

function each(method, ...args) {
    for (const dotnet of listeners) {
        dotnet.invokeMethodAsync(method, ...args).catch(() => listeners.delete(dotnet));
    }
}

async function start() {
    setState("connecting");
    try {
        await connection.start();
        setState("connected");
        for (const group of followed) {
            await connection.invoke("Follow", group).catch(() => followed.delete(group));
        }
        const since = loadedAt;
        loadedAt = null;
        if (missed) {
            missed = false;
            each("Resync");
        } else if (since !== null && await connection.invoke("ChangedSince", since).catch(() => true)) {
            each("Resync");
        }
    } catch {
        // The server is restarting or unreachable: try again shortly, as the automatic reconnect would.
        missed = true;
        setState("disconnected");
        setTimeout(start, 3000);
    }
}

function create() {
    connection = new signalR.HubConnectionBuilder()
        .withUrl("/hubs/live")
        // Never give up: 0 s, 1 s, 2 s, 4 s … then every 10 s. A connection closed because Redis came back reconnects at once.
        .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(ctx.previousRetryCount === 0 ? 0 : 1000 * 2 ** (ctx.previousRetryCount - 1), 10000) })
        .configureLogging(signalR.LogLevel.None)
        .build();
    connection.on("live", (name, payload) => {
        if (name === "resync") {
            each("Resync");
        } else {
            each("Receive", name, payload ?? {});
        }
    });
    connection.onreconnecting(() => setState("reconnecting"));
    connection.onreconnected(async () => {
        setState("connected");
        for (const group of followed) {
            await connection.invoke("Follow", group).catch(() => followed.delete(group));
        }
        each("Resync");
    });
    connection.onclose(() => {
        // Closed for good (signed out, or reconnecting gave up): start over in a moment; a signed-out tab fails quietly.
        missed = true;
        setState("disconnected");
        setTimeout(start, 5000);
    });
    start();
}

export function connect(dotnet, since) {
    listeners.add(dotnet);
    if (!connection) {
        loadedAt = since ?? null;
        create();
    }
}

export function disconnect(dotnet) {
    listeners.delete(dotnet);
}

/// Follows a group beyond the user's own (the hub refuses groups the user may not see).
export async function follow(group) {
    followed.add(group);
    if (connection?.state === signalR.HubConnectionState.Connected) {
        try {
            await connection.invoke("Follow", group);
        } catch {
            followed.delete(group);
            return false;
        }
    }
    return true;
}

export async function unfollow(group) {
    followed.delete(group);
    if (connection?.state === signalR.HubConnectionState.Connected) {
        await connection.invoke("Unfollow", group).catch(() => { });
    }
}

// The tab title carries the unread count, "(2) My tax year · TaxGenius", kept across page changes (Blazor rewrites the title).
let unread = 0;
let titleObserver = null;

function applyTitle() {
    const base = document.title.replace(/^\(\d+\) /, "");
    const wanted = unread > 0 ? `(${unread}) ${base}` : base;
    if (document.title !== wanted) {
        document.title = wanted;
    }
}

export function setUnread(count) {
    unread = count;
    applyTitle();
    if (!titleObserver) {
        titleObserver = new MutationObserver(applyTitle);
        titleObserver.observe(document.head, { childList: true, subtree: true, characterData: true });
    }
}
