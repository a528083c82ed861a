/* Drag and drop on the pipeline board: dropping a card on another column POSTs the move
   (stage + the version the card was read at) with HTMX, exactly as the card's "Move to"
   form does; the server answers with the board again (or asks why, for a lost stage). */
(function () {
  "use strict";
  let dragged = null;

  function board() { return document.getElementById("pipeline-board"); }

  document.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest(".pipeline-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll(".pipeline-column.is-drop-target").forEach(function (column) {
      column.classList.remove("is-drop-target");
    });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    const column = event.target.closest && event.target.closest(".pipeline-column");
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    const column = event.target.closest && event.target.closest(".pipeline-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    const column = event.target.closest && event.target.closest(".pipeline-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-drop-target");
    const card = dragged;
    const currentColumn = card.closest(".pipeline-column");
    if (currentColumn === column) return;
    const form = card.querySelector("form.pipeline-move");
    const values = {
      stage: column.dataset.stageId,
      version: card.dataset.version,
      filters: (board() && board().dataset.filters) || "",
    };
    if (window.htmx) {
      window.htmx.ajax("POST", card.dataset.moveUrl, { source: form, target: "#pipeline-board", swap: "outerHTML", values: values });
    } else if (form) {
      form.querySelector("select[name='stage']").value = values.stage;
      form.submit();
    }
  });
})();
