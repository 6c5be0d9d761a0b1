// The conversation view: keeps the newest message in sight when the thread loads or grows (unless the person scrolled up to read).
export function scrollToEnd(list, force) {
    if (!list) {
        return;
    }
    const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    if (force || nearEnd) {
        list.scrollTop = list.scrollHeight;
    }
}
