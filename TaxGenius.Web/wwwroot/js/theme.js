// The app bar's theme toggle: the choice is kept in the tg-theme cookie (a year, this site only) so the next visit and the static
// account pages (App.razor puts it on <html> as data-tg-theme, which app.css reads) open in it.
export function save(theme) {
    write("tg-theme", theme);
    document.documentElement.dataset.tgTheme = theme;
}

// Without a choice: the browser's own scheme as the app saw it, so the next page is painted in it before it is interactive
// (ThemeChoice.SeenDark). Not a choice: the account pages and the toggle do not read it.
export function saveScheme(scheme) {
    write("tg-scheme", scheme);
}

function write(name, value) {
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax${secure}`;
}
