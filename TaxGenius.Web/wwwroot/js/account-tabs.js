// The account settings' tab row (ManageNavMenu) scrolls sideways on a phone (app.css): the chosen tab is brought into view, so
// "Close account" or "Consents" is not opened off-screen. Only the row scrolls, never the page.
function showActive() {
    for (const strip of document.querySelectorAll(".tg-tabs")) {
        const active = strip.querySelector(".tg-tab.active");
        if (active && strip.scrollWidth > strip.clientWidth) {
            strip.scrollLeft = active.offsetLeft - (strip.clientWidth - active.offsetWidth) / 2;
        }
    }
}

showActive();
// Blazor's enhanced navigation patches the page in place: the row is the same element, now with another tab chosen.
window.Blazor?.addEventListener?.("enhancedload", showActive);
