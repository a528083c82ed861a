// The Budget tab's burn chart (Chart.js from node_modules, no CDN): cumulative planned
// value (PV) and actual cost (AC) by week or month against the budget line. The data
// comes from the page (json_script "burn-data"); the Table tab shows the same figures.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("burn-chart");
    var source = document.getElementById("burn-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var money = new Intl.NumberFormat(document.documentElement.lang || undefined, {
      style: "currency", currency: data.currency, maximumFractionDigits: 0
    });
    var datasets = [
      { label: "Budget (BAC)", data: data.labels.map(function () { return data.budget; }),
        borderColor: "#667382", borderDash: [6, 4], pointRadius: 0, borderWidth: 2, fill: false },
      { label: "Planned value (PV)", data: data.planned, borderColor: "#206bc4", backgroundColor: "#206bc4",
        pointRadius: 2, borderWidth: 2, fill: false }
    ];
    if (data.actual.length) {
      datasets.push({ label: "Actual cost (AC)", data: data.actual, borderColor: "#d63939", backgroundColor: "#d63939",
        pointRadius: 2, borderWidth: 2, fill: false, spanGaps: false });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) {
            return item.raw === null ? item.dataset.label + ": —" : item.dataset.label + ": " + money.format(item.raw);
          } } }
        },
        scales: {
          x: { title: { display: true, text: data.by === "week" ? "Week starting" : "Month" } },
          y: { beginAtZero: true, title: { display: true, text: "Cost (" + data.currency + ")" },
               ticks: { callback: function (value) { return money.format(value); } } }
        }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
