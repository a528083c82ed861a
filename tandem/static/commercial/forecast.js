// The forecast page's stacked bar chart (Chart.js from node_modules, no CDN). The data
// comes from the page (json_script "forecast-data"); the Table tab shows the same figures.
(function () {
  "use strict";
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
