/* Drag and drop on the plan's board: dropping a card on another column POSTs the move
   (status + the version the card was read at) with HTMX, exactly as the card's
   "Move to" form does; the server answers with the board again. */
(function () {
  "use strict";
  let dragged = null;

  document.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest(".board-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll(".board-column.is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    const column = event.target.closest && event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    const column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    const column = event.target.closest && event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-drop-target");
    const card = dragged;
    if (card.closest(".board-column") === column) return;
    const form = card.querySelector("form.board-move");
    const values = { status: column.dataset.status, version: card.dataset.version };
    if (window.htmx) {
      window.htmx.ajax("POST", card.dataset.moveUrl, { source: form, target: "#task-board", swap: "outerHTML", values: values });
    } else if (form) {
      form.querySelector("select[name='status']").value = values.status;
      form.submit();
    }
  });
})();
