/* The 块状经济 output chart (targets/block_recognition.html) with the tier as a line; data from #chart-data. */
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  if (!d.bases.length) { return; }
  var c = echarts.init(document.getElementById("chart-blocks"));
  c.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 亿元"; } },
    grid: { left: 140, right: 50, top: 10, bottom: 30 },
    xAxis: { type: "value", name: "亿元" },
    yAxis: { type: "category", inverse: true, data: d.bases },
    series: [{
      type: "bar", data: d.values, label: { show: true, position: "right" },
      markLine: { symbol: "none", data: [{ xAxis: d.threshold, name: "认定门槛" }], label: { formatter: "门槛 {c}" } },
    }],
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
