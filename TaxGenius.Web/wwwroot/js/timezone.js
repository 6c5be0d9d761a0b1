// Keeps the browser's time zone (an IANA id such as America/Chicago) in the tg-tz cookie, a year, this site only, so the server
// shows times where the person is (LocalTime). Loaded on every page, the sign-in page included, so the app's pages know it from
// their first paint. A preference, not personal data; nothing is sent when it has not changed.
(() => {
    try {
        const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (!zone || document.cookie.split("; ").includes(`tg-tz=${zone}`)) {
            return;
        }
        const secure = location.protocol === "https:" ? "; secure" : "";
        document.cookie = `tg-tz=${zone}; path=/; max-age=31536000; samesite=lax${secure}`;
    } catch {
        // No Intl time zone: times stay in UTC, labelled so.
    }
})();
