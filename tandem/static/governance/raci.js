// The RACI grid, keyboard first (progressive enhancement: without this file each cell is a
// labelled <select> with a Save button). Arrow keys move between cells; R, A, C or I sets
// the focused cell and Delete / Backspace clears it; each change saves at once (HTMX
// answers the redrawn row with its check) and the focus stays on the cell.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var lastFocused = null;

  function cells(grid) {
    return Array.prototype.map.call(grid.querySelectorAll("tbody tr"), function (row) {
      return Array.prototype.slice.call(row.querySelectorAll("select.raci-letter"));
    });
  }

  function position(grid, select) {
    var rows = cells(grid);
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(select);
      if (c >= 0) return { rows: rows, r: r, c: c };
    }
    return null;
  }

  function save(select, value) {
    if (select.disabled) return;
    if (select.value === value) return;
    select.value = value;
    var form = select.form;
    if (window.htmx && form && form.getAttribute("hx-post")) {
      // Sent directly rather than through the form's change trigger: the row was just
      // redrawn and its new forms may not be wired yet when the next key comes.
      window.htmx.ajax("POST", form.getAttribute("hx-post"),
        { source: form, target: form.getAttribute("hx-target"), swap: "outerHTML" });
    } else if (form) {
      form.submit();
    }
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("select.raci-letter")) lastFocused = event.target.id;
  });

  document.addEventListener("keydown", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("#raci-grid select.raci-letter")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key;
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[key]) {
      var here = position(select.closest("table"), select);
      if (!here) return;
      event.preventDefault();
      var r = Math.max(0, Math.min(here.rows.length - 1, here.r + moves[key][0]));
      var row = here.rows[r];
      var c = Math.max(0, Math.min(row.length - 1, here.c + moves[key][1]));
      if (row[c]) row[c].focus();
      return;
    }
    var letter = key.length === 1 ? key.toUpperCase() : "";
    if ("RACI".indexOf(letter) >= 0 && letter) {
      event.preventDefault();
      save(select, letter);
    } else if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      save(select, "");
    }
  });

  document.addEventListener("htmx:load", function () {
    if (!lastFocused) return;
    var again = document.getElementById(lastFocused);
    if (again && document.activeElement !== again) again.focus();
  });
  // A refused letter (422) still redraws the row, with the reason next to it; so does a
  // refused in-place edit of a stakeholder (the Stakeholders tab loads this file too).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    if (event.detail.xhr && event.detail.xhr.status === 422 && id &&
        (id.indexOf("raci-row-") === 0 || id === "stakeholder-edit-row")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
