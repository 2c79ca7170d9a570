/* The assessment ranking chart (targets/assessment.html); data from the #chart-data JSON block. */
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  var c = echarts.init(document.getElementById("chart-assessment"));
  c.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: d.regions },
    series: [{ type: "bar", data: d.totals, label: { show: true, position: "right" } }],
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
