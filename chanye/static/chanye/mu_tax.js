/* The 亩均税收 ranking chart (targets/mu_tax.html); data from the #chart-data JSON block. */
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  if (!d.parks.length) { return; }
  var c = echarts.init(document.getElementById("chart-mu-tax"));
  c.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 万元/亩"; } },
    grid: { left: 110, right: 40, top: 10, bottom: 30 },
    xAxis: { type: "value", name: "万元/亩" },
    yAxis: { type: "category", inverse: true, data: d.parks },
    series: [{ type: "bar", data: d.values, label: { show: true, position: "right" } }],
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
