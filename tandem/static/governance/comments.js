// The mention picker: typing "@" and letters in a comment box lists the people who may
// see the record (from the box's data-mention-source); arrows move, Enter or Tab
// inserts "@[Name](user:id)", Escape closes. Without JavaScript "@Name" works as typed.
(function () {
  "use strict";
  if (window.tandemMentions) { window.tandemMentions.scan(); return; }
  var counter = 0;

  function attach(box) {
    if (box.dataset.mentionReady) return;
    box.dataset.mentionReady = "1";
    var list = document.createElement("ul");
    var listId = "mention-list-" + (++counter);
    list.id = listId;
    list.className = "list-group position-absolute shadow-sm mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    list.hidden = true;
    list.style.zIndex = "1050";
    box.parentNode.appendChild(list);
    box.setAttribute("aria-controls", listId);
    box.setAttribute("aria-autocomplete", "list");
    var people = [], active = -1, start = -1, timer = null;

    function close() { list.hidden = true; people = []; active = -1; box.removeAttribute("aria-activedescendant"); }

    function draw() {
      list.textContent = "";
      if (!people.length) { close(); return; }
      people.forEach(function (person, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.className = "list-group-item list-group-item-action" + (index === active ? " active" : "");
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", index === active ? "true" : "false");
        item.textContent = person.name;
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(index); });
        list.appendChild(item);
      });
      list.hidden = false;
      if (active >= 0) box.setAttribute("aria-activedescendant", listId + "-" + active);
    }

    function choose(index) {
      var person = people[index];
      if (!person) return;
      var before = box.value.slice(0, start), after = box.value.slice(box.selectionStart);
      box.value = before + person.token + " " + after;
      var caret = before.length + person.token.length + 1;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }

    function query() {
      var upto = box.value.slice(0, box.selectionStart);
      var match = /(^|\s)@([^\s@\[\]()]{0,30})$/.exec(upto);
      if (!match) { close(); return; }
      start = upto.length - match[2].length - 1;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(box.dataset.mentionSource + "?q=" + encodeURIComponent(match[2]), {headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {people: []}; })
          .then(function (data) { people = data.people || []; active = people.length ? 0 : -1; draw(); })
          .catch(close);
      }, 150);
    }

    box.addEventListener("input", query);
    box.addEventListener("blur", function () { setTimeout(close, 100); });
    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { active = (active + 1) % people.length; draw(); event.preventDefault(); }
      else if (event.key === "ArrowUp") { active = (active - 1 + people.length) % people.length; draw(); event.preventDefault(); }
      else if (event.key === "Enter" || event.key === "Tab") { if (active >= 0) { choose(active); event.preventDefault(); } }
      else if (event.key === "Escape") { close(); event.preventDefault(); }
    });
  }

  function scan() { document.querySelectorAll("textarea[data-mention-source]").forEach(attach); }
  window.tandemMentions = {scan: scan};
  scan();
  document.addEventListener("htmx:afterSwap", scan);
})();
