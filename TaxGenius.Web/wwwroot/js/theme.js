// The app bar's theme toggle: the choice is kept in the tg-theme cookie (a year, this site only) so the next visit and the static
// account pages (App.razor puts it on <html> as data-tg-theme, which app.css reads) open in it.
export function save(theme) {
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `tg-theme=${theme}; path=/; max-age=31536000; samesite=lax${secure}`;
    document.documentElement.dataset.tgTheme = theme;
}
