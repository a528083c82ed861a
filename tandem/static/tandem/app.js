// Tandem's page behaviour. Everything here is an enhancement: every page works without it.
(function () {
  "use strict";

  function alertRegion() {
    return document.getElementById("htmx-alerts");
  }

  function showAlert(text) {
    var region = alertRegion();
    if (!region) return;
    var box = document.createElement("div");
    box.className = "alert alert-danger";
    box.setAttribute("role", "alert");
    box.textContent = text;
    region.replaceChildren(box);
  }

  // 403/404/409 arrive as alerts swapped into #htmx-alerts (see tandem.core.web);
  // anything else that failed gets a plain message instead of silence.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403 || status === 404 || status === 409) return;
    showAlert("Something went wrong (" + status + "). Reload the page and try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    showAlert("The server could not be reached. Check the connection and try again.");
  });

  // Global search: Escape closes the results; leaving the box empty clears them.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var results = document.getElementById("global-search-results");
    if (!results) return;
    if (results.contains(document.activeElement) || event.target.id === "global-search") {
      results.replaceChildren();
      document.getElementById("global-search").focus();
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.id === "global-search" && event.target.value.trim() === "") {
      var results = document.getElementById("global-search-results");
      if (results) results.replaceChildren();
    }
  });

  // Django messages arrive as toasts in the corner (base.html): confirmations fade after
  // a while (Bootstrap pauses the timer while hovered or focused); problems stay until
  // dismissed.
  function startToasts() {
    if (!window.bootstrap) return;
    document.querySelectorAll("#toasts .toast").forEach(function (element) {
      var toast = window.bootstrap.Toast.getOrCreateInstance(element);
      if (element.dataset.bsAutohide === "true") toast.show();
    });
  }

  // The sidebar is an off-canvas drawer below the large breakpoint: while open it is a
  // dialog, which needs a name; beside the content it is plain navigation.
  document.addEventListener("show.bs.offcanvas", function (event) {
    var drawer = event.target;
    if (drawer.dataset.drawerLabel) drawer.setAttribute("aria-label", drawer.dataset.drawerLabel);
  });
  document.addEventListener("hidden.bs.offcanvas", function (event) {
    if (event.target.dataset.drawerLabel) event.target.removeAttribute("aria-label");
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startToasts);
  } else {
    startToasts();
  }
})();
