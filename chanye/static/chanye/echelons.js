/* The 梯队名单 chart (targets/echelons.html): per tier, how many reach it and how many are 后备; data from #chart-data. */
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  var el = document.getElementById("chart-echelons");
  if (!el || !d.tiers.length) { return; }
  el.style.height = Math.max(160, 34 * d.tiers.length + 60) + "px";
  var c = echarts.init(el);
  c.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: ["达到", "后备"], top: 0 },
    grid: { left: 180, right: 40, top: 30, bottom: 20 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: d.tiers },
    series: [
      { name: "达到", type: "bar", stack: "n", data: d.reached, itemStyle: { color: "#198754" }, label: { show: true, formatter: function (p) { return p.value || ""; } } },
      { name: "后备", type: "bar", stack: "n", data: d.reserve, itemStyle: { color: "#ffc107" }, label: { show: true, formatter: function (p) { return p.value || ""; } } },
    ],
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
