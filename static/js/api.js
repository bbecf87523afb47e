// The API page's "try it" form: shows only the fields the chosen action takes, posts the
// call with fetch and prints the JSON answer as text (never as HTML). The page's CSP allows
// no inline script, so this file is all there is; without it the form posts natively.
(function () {
  "use strict";
  var form = document.getElementById("api-try");
  if (!form) {
    return;
  }
  var result = document.getElementById("api-result");
  // The form has a field named "action", which shadows `form.action`: read the attribute.
  var endpoint = form.getAttribute("action");
  var action = form.elements.namedItem("action");
  var MAX_SHOWN = 200000;

  function showFields() {
    form.querySelectorAll("[data-actions]").forEach(function (row) {
      row.hidden = row.dataset.actions.split(" ").indexOf(action.value) === -1;
    });
  }

  function body() {
    var params = new URLSearchParams();
    form.querySelectorAll("input, select").forEach(function (field) {
      var row = field.closest("[data-actions]");
      if (field.name && field.value !== "" && !(row && row.hidden)) {
        params.append(field.name, field.value);
      }
    });
    return params;
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (error) {
      return text;
    }
  }

  action.addEventListener("change", showFields);
  showFields();
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    result.textContent = result.dataset.sending || "Sending…";
    fetch(endpoint, { method: "POST", body: body(), credentials: "omit" })
      .then(function (response) {
        return response.text().then(function (text) {
          var shown = pretty(text);
          if (shown.length > MAX_SHOWN) {
            shown = shown.slice(0, MAX_SHOWN) + "\n… (" + text.length + " bytes in all)";
          }
          result.textContent = "HTTP " + response.status + "\n" + shown;
        });
      })
      .catch(function (error) {
        result.textContent = (result.dataset.failed || "The request failed:") + " " + error;
      });
  });
})();
