// The Risks tab's exposure chart (Chart.js); the table behind it is in the Table tab.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("exposure-chart");
    var source = document.getElementById("exposure-data");
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: [{ label: "Exposure (Σ probability × impact)", data: data.exposure,
        borderColor: "#d92d20", backgroundColor: "rgba(217,45,32,.1)", fill: true, stepped: true, pointRadius: 0 }] },
      options: { maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: "Exposure" } },
                  x: { ticks: { maxTicksLimit: 6 } } } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
