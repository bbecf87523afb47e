/* The delivery queue's one behaviour (the CSP allows no inline script): the queue refreshes
   itself (htmx polling), except while a person is typing in one of its forms, so a refresh
   never takes the focus from them. Open forms keep what was typed anyway (hx-preserve). */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || elt.id !== "queue") { return; }
    var active = document.activeElement;
    if (active && elt.contains(active) && active.closest("form")) {
      event.preventDefault();
    }
  });
})();
