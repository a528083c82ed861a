// The meeting page's action items are changed in place (HTMX). A refused change answers
// 422 with the section redrawn and the reasons in it: swap that answer as well (the
// page-wide htmx configuration leaves other 4xx answers unswapped). Every form also
// works without JavaScript (a full POST and a redirect).
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr && event.detail.xhr.status === 422 && target && target.id === "action-items") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
