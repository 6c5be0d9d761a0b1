// TaxGenius: names for the dashboard's unlabeled row checkboxes, so screen readers can tell them apart, and for the menu button
// Bootstrap shows on a phone (three bars, no text).
(function () {
    function label() {
        document.querySelectorAll('input[type=checkbox]:not([aria-label])').forEach(function (box) {
            if (box.classList.contains('js-jobs-list-select-all')) {
                box.setAttribute('aria-label', 'Select all');
            } else if (box.value) {
                box.setAttribute('aria-label', 'Select ' + box.value);
            }
        });
        document.querySelectorAll('button.navbar-toggle:not([aria-label])').forEach(function (button) {
            button.setAttribute('aria-label', 'Menu');
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', label);
    } else {
        label();
    }
})();
