/* The 季调度 charts (projects/cadence_report.html): each table's projects by colour, stacked; data from #chart-data. */
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  d.charts.forEach(function (spec) {
    var el = document.getElementById("chart-" + spec.id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption({
      title: { text: spec.title, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 50 },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", name: "个", minInterval: 1 },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "colour", data: s.values, itemStyle: { color: s.colour } };
      }),
    });
    window.addEventListener("resize", function () { c.resize(); });
  });
})();
