// 区县产业专业化: counties × divisions heat map of location quotients (1 = as concentrated as the reference).
(function () {
  var d = chanyeCharts.data("lq-data");
  if (!d) return;
  var max = Math.max.apply(null, d.cells.map(function (c) { return c[2]; }).concat([2]));
  chanyeCharts.chart("chart-lq", {
    tooltip: { formatter: function (p) { return d.counties[p.data[1]] + " · " + d.divisions[p.data[0]] + "<br>区位熵 " + p.data[2]; } },
    grid: { left: 80, right: 20, top: 10, bottom: 120 },
    xAxis: { type: "category", data: d.divisions, axisLabel: { rotate: 60, fontSize: 10, interval: 0 } },
    yAxis: { type: "category", data: d.counties },
    visualMap: { min: 0, max: Math.min(max, 5), calculable: true, orient: "horizontal", left: "center", bottom: 0, text: ["集中", "分散"],
      inRange: { color: ["#f7fbff", "#fdd49e", "#d7301f"] } },
    series: [{ type: "heatmap", data: d.cells, label: { show: d.cells.length <= 120, fontSize: 9 } }]
  });
})();
