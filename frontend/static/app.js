// Wattfolio: a whole table row opens its contract, as its link does. The link
// stays the keyboard's way in; this only widens the mouse target.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var t = e.target;
    if (!(t instanceof Element) || t.closest("a, button, input, select, label, summary")) return;
    if (window.getSelection && String(window.getSelection()).length > 0) return; // selecting text
    var row = t.closest("tr[data-href]");
    if (row) window.location.href = row.getAttribute("data-href");
  });
})();
