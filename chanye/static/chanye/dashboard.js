(function () {
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  var chart = chanyeCharts.chart;
  chart("chart-trend", {
    tooltip: { trigger: "axis" }, grid: { left: 50, right: 20, top: 20, bottom: 40 },
    xAxis: { type: "category", data: d.months }, yAxis: { type: "value", name: "亿元" },
    series: [{ name: "规上工业总产值", type: "line", smooth: true, areaStyle: { opacity: 0.15 }, data: d.output }],
    graphic: d.months.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: "暂无数据：请先导入月度数据", fill: "#999" } }]
  });
  chart("chart-county", {
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 40 },
    xAxis: { type: "category", data: d.counties }, yAxis: { type: "value" },
    series: [
      { name: "已新增", type: "bar", data: d.county_new },
      { name: "年度目标", type: "bar", data: d.county_new_target, itemStyle: { color: "#ddd" } }
    ]
  });
  chart("chart-cluster", {
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 110, right: 30, top: 30, bottom: 30 },
    yAxis: { type: "category", data: d.clusters, inverse: true }, xAxis: [{ type: "value", name: "家" }, { type: "value", name: "亿元", show: false }],
    series: [
      { name: "规上企业", type: "bar", data: d.cluster_above },
      { name: "累计产值(亿元)", type: "bar", xAxisIndex: 1, data: d.cluster_ytd }
    ]
  });
})();
