// Charts of the chain-leader pages: leaders per key industry against the 1–3 band (XN-LZ-1), and a leader's duties.
(function () {
  var data = chanyeCharts.data;
  var chart = chanyeCharts.chart;
  var d = data("leaders-chart-data");
  if (d && d.industries.length) {
    var lines = [];
    if (d.min !== null) lines.push({ yAxis: d.min, name: "下限", lineStyle: { color: "#dc3545" }, label: { formatter: "下限 {c}" } });
    if (d.max !== null) lines.push({ yAxis: d.max, name: "上限", lineStyle: { color: "#6c757d" }, label: { formatter: "上限 {c}" } });
    chart("chart-leaders", {
      tooltip: { trigger: "axis" }, grid: { left: 30, right: 50, top: 20, bottom: 60 },
      xAxis: { type: "category", data: d.industries, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1, name: "家", max: function (v) { return Math.max(v.max, d.max || 0) + 1; } },
      series: [{ name: "链主企业", type: "bar", data: d.counts, markLine: { symbol: "none", data: lines } }]
    });
  }
  var p = data("duties-chart-data");
  if (p && p.labels.length) {
    chart("chart-duties", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: p.labels, axisLabel: { interval: 0 } }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "已完成（计入）", type: "bar", data: p.counted, itemStyle: { color: "#198754" } },
        { name: "年度目标", type: "bar", data: p.targets, itemStyle: { color: "#ccc" } }
      ]
    });
  }
})();
