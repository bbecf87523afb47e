/* The storefront's few behaviours, from a static file (the CSP allows no inline script):
   copy buttons and expiry countdowns. Everything else is htmx, driven by the server. */
(function () {
  "use strict";

  function write(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      area.remove();
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function flash(button, label) {
    if (!button.dataset.label) { button.dataset.label = button.textContent; }
    button.textContent = label;
    button.classList.add("done");
    window.setTimeout(function () {
      button.textContent = button.dataset.label;
      button.classList.remove("done");
    }, 1500);
  }

  // <button data-copy="text"> copies its text; <button data-copy-from="#list"> copies the
  // <code> lines inside #list, one per line.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-from]");
    if (!button) { return; }
    var text = button.dataset.copy;
    if (text === undefined) {
      var source = document.querySelector(button.dataset.copyFrom);
      var lines = source ? source.querySelectorAll("code") : [];
      text = Array.prototype.map.call(lines, function (code) { return code.textContent; }).join("\n");
    }
    // the words come from the page (data-copied on <body>), in its language
    var words = document.body.dataset;
    write(text).then(function () { flash(button, words.copied || "Copied"); },
                     function () { flash(button, words.copyFailed || "Press Ctrl+C"); });
  });

  // <span data-countdown="SECONDS"> counts down to zero from when it appeared on the page.
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!el.dataset.deadline) {
        el.dataset.deadline = String(now + Number(el.dataset.countdown) * 1000);
      }
      var left = Math.max(0, Math.round((Number(el.dataset.deadline) - now) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      el.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    });
  }
  tick();
  window.setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);
})();
