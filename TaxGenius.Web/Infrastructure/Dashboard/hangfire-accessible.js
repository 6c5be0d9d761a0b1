// TaxGenius: names for the dashboard's unlabeled row checkboxes, so screen readers can tell them apart.
(function () {
    function label() {
        document.querySelectorAll('input[type=checkbox]:not([aria-label])').forEach(function (box) {
            if (box.classList.contains('js-jobs-list-select-all')) {
                box.setAttribute('aria-label', 'Select all');
            } else if (box.value) {
                box.setAttribute('aria-label', 'Select ' + box.value);
            }
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', label);
    } else {
        label();
    }
})();
