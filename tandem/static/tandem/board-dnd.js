/* Drag and drop on a board of cards in columns (the pipeline, a project's task board).
   Dropping a card on another column POSTs the move with HTMX exactly as the card's own
   "Move to" form does (that form works without JavaScript), and the server answers with
   the board again. The markup says what to send:
     board   [data-dnd-board][data-dnd-field="stage"]  (optional data-filters, sent as "filters")
     column  [data-dnd-column][data-dnd-value="…"]
     card    [data-dnd-card][draggable="true"][data-move-url][data-version], holding form[data-dnd-form]
   A column's list of cards takes the class board-lane (tandem.css "Boards"): on a wide
   screen it scrolls inside the column. */
(function () {
  "use strict";
  let dragged = null;

  function closest(event, selector) {
    return event.target.closest ? event.target.closest(selector) : null;
  }

  document.addEventListener("dragstart", function (event) {
    const card = closest(event, "[data-dnd-card][draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll("[data-dnd-column].is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    const column = closest(event, "[data-dnd-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    const column = closest(event, "[data-dnd-column]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    const column = closest(event, "[data-dnd-column]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-drop-target");
    const card = dragged;
    if (card.closest("[data-dnd-column]") === column) return;
    const board = card.closest("[data-dnd-board]");
    if (!board) return;
    const field = board.dataset.dndField;
    const form = card.querySelector("form[data-dnd-form]");
    const values = { version: card.dataset.version };
    values[field] = column.dataset.dndValue;
    if (board.dataset.filters !== undefined) values.filters = board.dataset.filters;
    if (window.htmx) {
      window.htmx.ajax("POST", card.dataset.moveUrl, { source: form, target: "#" + board.id, swap: "outerHTML", values: values });
    } else if (form) {
      form.querySelector("select[name='" + field + "']").value = values[field];
      form.submit();
    }
  });
})();
