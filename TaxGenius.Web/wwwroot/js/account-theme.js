// <theme-toggle> on the static account pages (AccountLayout): the app bar's light/dark switch where there is no circuit. It writes
// the same tg-theme cookie (theme.js), and the page turns at once: app.css takes the account shell's colours from data-tg-theme.
import { save, saveScheme } from "./theme.js";

function isDark() {
    const chosen = document.documentElement.dataset.tgTheme;
    return chosen ? chosen === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function show(button, dark) {
    const label = dark ? "Switch to light mode" : "Switch to dark mode";
    button.dataset.dark = String(dark);
    button.setAttribute("aria-label", label);
    button.title = label;
}

customElements.define("theme-toggle", class extends HTMLElement {
    connectedCallback() {
        const button = this.querySelector("button");
        if (!button || this.wired) {
            return;
        }
        this.wired = true;
        // Nothing chosen: the browser's scheme, kept so the workspace after signing in is painted in it from the start.
        if (!document.documentElement.dataset.tgTheme) {
            saveScheme(isDark() ? "dark" : "light");
        }
        show(button, isDark());
        button.addEventListener("click", () => {
            const dark = !isDark();
            save(dark ? "dark" : "light");
            show(button, dark);
        });
    }
});

// Blazor's enhanced navigation patches the page from the server's HTML, which knows a chosen theme but not the browser's.
window.Blazor?.addEventListener?.("enhancedload", () => {
    for (const button of document.querySelectorAll("theme-toggle button")) {
        show(button, isDark());
    }
});
