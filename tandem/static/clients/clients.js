// Account pages: searchable multi-selects (tom-select), the meeting-link field shown
// only for meetings, and focus handling for forms revealed in place. Everything here is
// an enhancement: without JavaScript the selects are plain multi-selects and every
// form posts and reloads.
(function () {
  "use strict";

  var MEETING_KINDS = ["meeting", "video", "qbr"];

  function enhanceSelects(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("select[data-tom-select]").forEach(function (select) {
      if (select.tomselect) return;
      // Selected options stay in the list (marked selected) and the list closes after
      // a choice: an open listbox is never empty and aria-activedescendant always
      // names an option that exists (axe: aria-required-children, aria-valid-attr-value).
      new window.TomSelect(select, {
        plugins: ["remove_button"],
        hidePlaceholder: true,
        hideSelected: false,
        closeAfterSelect: true,
        maxOptions: null,
        placeholder: "Type to search",
      });
      // tom-select moves the label to its combobox; the original select stays in the
      // page for the form post only, so it leaves the accessibility tree.
      select.setAttribute("aria-hidden", "true");
      select.setAttribute("tabindex", "-1");
    });
  }

  function toggleMeetingLink(form) {
    var kind = form.querySelector("[data-interaction-kind]");
    var wrapper = form.querySelector("[data-meeting-link-field]");
    if (!kind || !wrapper) return;
    var input = wrapper.querySelector("input");
    var show = MEETING_KINDS.indexOf(kind.value) !== -1 || (input && input.value !== "");
    wrapper.hidden = !show;
  }

  function enhance(root) {
    enhanceSelects(root);
    root.querySelectorAll("form").forEach(toggleMeetingLink);
    if (root.matches && root.matches("form")) toggleMeetingLink(root);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-interaction-kind]")) {
      toggleMeetingLink(event.target.form);
    }
  });

  // A form revealed in place takes the focus (its first field, or the first field
  // with an error after a refused save).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target || !target.querySelector) return;
    var form = target.matches("form.inline-form") ? target : target.querySelector("form.inline-form");
    if (!form) return;
    var field = form.querySelector("[aria-invalid='true']") ||
      form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) {
      var control = field.tomselect ? field.tomselect.control_input : field;
      control.focus();
    }
  });

  // "Cancel" on a form revealed in place empties its slot and returns the focus to the
  // button that revealed it (without JavaScript it is a link back to the page).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-dismiss-inline]") : null;
    if (!link) return;
    var slot = document.querySelector(link.getAttribute("data-dismiss-inline"));
    if (!slot) return;
    event.preventDefault();
    var back = document.querySelector(link.getAttribute("data-return-focus"));
    slot.replaceChildren();
    if (back) back.focus();
  });

  function start() {
    if (window.htmx && typeof window.htmx.onLoad === "function") {
      window.htmx.onLoad(enhance);
    } else {
      enhance(document.body);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
