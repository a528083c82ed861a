/* The weekly timesheet grid: keyboard first. Arrow keys move between cells (left and
   right once the caret is at the edge of the value), Enter moves down (leaving a cell
   saves it: its HTMX "change" trigger), Tab works as usual. On phones one day shows at a
   time; the day buttons choose it.

   A cell's save answers with the cell again (its new version, or its error), swapped in
   place of the old one. A person typing faster than the saves answer may already be back
   in that cell, or have typed into it and left: what they typed since the save was sent
   is kept in the new cell (value and caret, the focus), and saved in its turn, when they
   leave it or at once if they already have. */
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

  var sent = new WeakMap();  // input -> the value its save in flight sent
  var kept = {};  // input id -> what was typed into it since, across the swap
  var unsaved = [];  // ids of cells left with a value typed during their save

  function isCell(element) { return element && element.classList && element.classList.contains("ts-input"); }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isCell(event.detail.elt)) { sent.set(event.detail.elt, event.detail.elt.value); }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var cell = event.detail.target;
    var input = cell && cell.classList && cell.classList.contains("ts-cell") ? cell.querySelector("input.ts-input") : null;
    if (!isCell(input) || !sent.has(input) || input.value === sent.get(input)) { return; }
    var focused = document.activeElement === input;
    kept[input.id] = {
      value: input.value, focused: focused,
      start: focused ? input.selectionStart : null, end: focused ? input.selectionEnd : null
    };
  });

  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(kept).forEach(function (id) {
      var typed = kept[id], input = document.getElementById(id);
      delete kept[id];
      if (!isCell(input) || input.readOnly) { return; }
      input.value = typed.value;
      if (typed.focused) {
        input.dataset.tsUnsaved = "1";
        input.focus();
        input.setSelectionRange(typed.start, typed.end);
      } else {
        unsaved.push(id);  // they left it already: saved once the new cell is live
      }
    });
  });

  document.addEventListener("htmx:afterSettle", function () {
    unsaved.splice(0).forEach(function (id) {
      var input = document.getElementById(id);
      if (isCell(input)) { window.htmx.trigger(input, "change"); }
    });
    // Whatever the order the answers came in, a cell the person has left that shows a
    // value other than the one the server last wrote into it, with no save of its own
    // under way, is saved now: a value typed while saves were answering is never left
    // on screen unsaved.
    var table = grid();
    if (!table) { return; }
    table.querySelectorAll("input.ts-input").forEach(function (input) {
      if (input.readOnly || input === document.activeElement || input.classList.contains("htmx-request")) { return; }
      if (input.value !== input.defaultValue) { window.htmx.trigger(input, "change"); }
    });
  });

  document.addEventListener("change", function (event) {
    if (isCell(event.target)) { delete event.target.dataset.tsUnsaved; }
  }, true);

  document.addEventListener("focusout", function (event) {
    // A value carried across a swap was not typed since the focus came back, so the
    // browser may not see it as changed: save it when the cell is left.
    var input = event.target;
    if (!isCell(input) || input.dataset.tsUnsaved !== "1") { return; }
    delete input.dataset.tsUnsaved;
    if (input.value !== input.defaultValue) { window.htmx.trigger(input, "change"); }
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
