// The project forecast's chart (Chart.js from node_modules, no CDN): bars for the
// simulated runs finishing on each date, a line for the cumulative chance of having
// finished by then. The data comes from the page (json_script "finish-data"); the table
// under the chart holds the same numbers.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("finish-chart");
    var source = document.getElementById("finish-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var dateText = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      day: "numeric", month: "short", year: "numeric", timeZone: "UTC"
    });
    var labels = data.labels.map(function (iso) { return dateText.format(new Date(iso + "T00:00:00Z")); });
    new window.Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "line", label: "Finished by that date (%)", data: data.cumulative, yAxisID: "share",
            borderColor: "#d63939", backgroundColor: "#d63939", pointRadius: 0, tension: 0.2 },
          { type: "bar", label: "Runs finishing that day", data: data.runs, yAxisID: "runs",
            backgroundColor: "rgba(32, 107, 196, 0.6)" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { right: 12 } },
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { title: { display: true, text: "Finish date" } },
          runs: { type: "linear", position: "left", beginAtZero: true,
                  title: { display: true, text: "Runs (of " + data.total + ")" } },
          share: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                   title: { display: true, text: "Cumulative probability (%)" },
                   ticks: { callback: function (value) { return value + " %"; } } }
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
