/* The weekly timesheet grid: keyboard first. Arrow keys move between cells (left and
   right once the caret is at the edge of the value), Enter moves down (leaving a cell
   saves it: its HTMX "change" trigger), Tab works as usual. On phones one day shows at a
   time; the day buttons choose it. */
(function () {
  "use strict";

  function grid() { return document.getElementById("timesheet-grid"); }

  function inputAt(row, col) {
    var table = grid();
    return table ? table.querySelector('input.ts-input[data-row="' + row + '"][data-col="' + col + '"]') : null;
  }

  function shown(element) { return element && element.offsetParent !== null; }

  function move(input, rows, cols) {
    var row = Number(input.dataset.row), col = Number(input.dataset.col);
    for (var step = 1; step < 8; step++) {
      var target = inputAt(row + rows * step, col + cols * step);
      if (!target) { return false; }
      if (shown(target)) { target.focus(); return true; }
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("ts-input")) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var length = input.value.length;
    var allSelected = input.selectionStart === 0 && input.selectionEnd === length;
    var atStart = allSelected || (input.selectionStart === 0 && input.selectionEnd === 0);
    var atEnd = allSelected || (input.selectionStart === length && input.selectionEnd === length);
    if (event.key === "ArrowUp") {
      if (move(input, -1, 0)) { event.preventDefault(); }
    } else if (event.key === "ArrowDown") {
      if (move(input, 1, 0)) { event.preventDefault(); }
    } else if (event.key === "ArrowLeft") {
      if (atStart && move(input, 0, -1)) { event.preventDefault(); }
    } else if (event.key === "ArrowRight") {
      if (atEnd && move(input, 0, 1)) { event.preventDefault(); }
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (!move(input, 1, 0)) {
        input.blur();  // saves the cell; focus goes on to "Add a line"
        var next = document.getElementById("ts-add-line");
        if (next) { next.focus(); }
      }
    }
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.classList && input.classList.contains("ts-input")) { input.select(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-ts-day]") : null;
    var table = grid();
    if (!button || !table) { return; }
    table.dataset.day = button.dataset.tsDay;
    document.querySelectorAll("[data-ts-day]").forEach(function (other) {
      var chosen = other === button;
      other.setAttribute("aria-pressed", chosen ? "true" : "false");
      other.classList.toggle("btn-primary", chosen);
      other.classList.toggle("btn-outline-secondary", !chosen);
    });
  });
})();
