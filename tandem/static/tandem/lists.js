// List pages: the bulk-action bar shows when rows are selected; "select all" and
// "Export selected". Without JavaScript the bar stays visible and still works (reassign
// posts the checked rows).
(function () {
  "use strict";

  function bar(results) {
    return results ? results.querySelector("[data-bulk-bar]") : null;
  }

  function checked(form) {
    // form.id would be the checkboxes named "id" (a form exposes its controls by name).
    var formId = form.getAttribute("id");
    return Array.prototype.slice.call(document.querySelectorAll('input[name="id"][form="' + formId + '"]:checked'));
  }

  function refresh(results) {
    var form = bar(results);
    if (!form) return;
    var count = checked(form).length;
    form.hidden = count === 0;
    var label = form.querySelector("[data-bulk-count]");
    if (label) label.textContent = count + " selected";
  }

  function refreshAll() {
    document.querySelectorAll(".list-results").forEach(refresh);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var results = target.closest ? target.closest(".list-results") : null;
    if (!results) return;
    if (target.hasAttribute("data-select-all")) {
      results.querySelectorAll('input[name="id"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.name === "id" || target.hasAttribute("data-select-all")) refresh(results);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-bulk-export]") : null;
    if (!button) return;
    var form = button.closest("form");
    var params = new URLSearchParams();
    checked(form).forEach(function (box) {
      params.append("id", box.value);
    });
    params.append("format", "csv");
    window.location.assign(button.getAttribute("data-bulk-export") + "?" + params.toString());
  });

  // A sort header swaps only the results: keep the filter form's hidden sort in step,
  // so the next filter change keeps the order the reader chose.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var sort = new URLSearchParams(window.location.search).get("sort") || "";
    document.querySelectorAll("form.list-filters input[name='sort']").forEach(function (input) {
      input.value = sort;
    });
  });

  // On a phone a strip of tabs scrolls sideways: bring the open tab into view (a project's
  // "Budget" or "Risks" tab would otherwise sit off screen), without moving the page.
  function showActiveTabs() {
    document.querySelectorAll(".list-views-tabs").forEach(function (strip) {
      var active = strip.querySelector(".nav-link.active");
      if (!active || strip.scrollWidth <= strip.clientWidth) return;
      var left = active.offsetLeft - strip.offsetLeft;
      if (left < strip.scrollLeft || left + active.offsetWidth > strip.scrollLeft + strip.clientWidth) {
        strip.scrollLeft = Math.max(0, left - (strip.clientWidth - active.offsetWidth) / 2);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("DOMContentLoaded", showActiveTabs);
  document.addEventListener("htmx:afterSettle", refreshAll);
})();
