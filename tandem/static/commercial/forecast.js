// The forecast page's stacked bar chart (Chart.js from node_modules, no CDN). The data
// comes from the page (json_script "forecast-data"); the Table tab shows the same figures.
// The account filter is a select holding only the chosen account; tom-select turns it
// into a combobox that searches the accounts API as you type (without JavaScript the
// select still offers "All accounts" and the chosen one).
(function () {
  "use strict";
  function accountSearch() {
    if (typeof window.TomSelect !== "function") return;
    document.querySelectorAll("select[data-account-search]").forEach(function (select) {
      if (select.tomselect) return;
      var url = select.getAttribute("data-account-search");
      new window.TomSelect(select, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        maxOptions: 20,
        loadThrottle: 250,
        closeAfterSelect: true,
        placeholder: "All accounts",
        shouldLoad: function (query) { return query.length >= 2; },
        load: function (query, callback) {
          var params = new URLSearchParams({ search: query, limit: "20", sort: "name" });
          fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { items: [] }; })
            .then(function (body) {
              callback(body.items.map(function (account) { return { value: String(account.id), text: account.name }; }));
            })
            .catch(function () { callback(); });
        }
      });
      // tom-select moves the label to its combobox; the original select stays in the
      // page for the form's submission only, so it leaves the accessibility tree.
      select.setAttribute("aria-hidden", "true");
      select.setAttribute("tabindex", "-1");
    });
  }
  function draw() {
    var canvas = document.getElementById("forecast-chart");
    var source = document.getElementById("forecast-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var money = new Intl.NumberFormat(document.documentElement.lang || undefined, {
      style: "currency", currency: data.currency, maximumFractionDigits: 0
    });
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (part) {
          return { label: part.label, data: part.data, backgroundColor: part.color, stack: "forecast" };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + money.format(item.raw); } } }
        },
        scales: {
          x: { stacked: true, title: { display: true, text: "Month" } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "Revenue (" + data.currency + ")" },
               ticks: { callback: function (value) { return money.format(value); } } }
        }
      }
    });
  }
  function start() {
    accountSearch();
    draw();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
