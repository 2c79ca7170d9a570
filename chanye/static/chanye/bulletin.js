// Charts of the monthly bulletin (月通报), the growth-point and the 技改 pages. Data come from json_script blocks; a
// chart whose element the server did not render (no data) is skipped.
(function () {
  var data = chanyeCharts.data;
  var chart = chanyeCharts.chart;
  var grid = { left: 40, right: 10, top: 30, bottom: 40 };

  var b = data("bulletin-chart-data");
  if (b && b.has_data) {
    chart("chart-board", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: grid,
      xAxis: { type: "category", data: b.counties }, yAxis: { type: "value", name: "个", minInterval: 1 },
      series: b.colours.map(function (c) {
        return { name: c.name, type: "bar", stack: "colour", data: c.data, itemStyle: { color: c.hex } };
      })
    });
  }
  if (b && b.changes && b.changes.labels.length) {
    chart("chart-changes", {
      tooltip: { trigger: "axis" }, grid: grid,
      xAxis: { type: "category", data: b.changes.labels }, yAxis: { type: "value", name: "个", minInterval: 1 },
      series: [{
        name: "项目数", type: "bar",
        data: b.changes.data.map(function (v, i) {
          return { value: v, itemStyle: { color: b.changes.up[i] ? "#198754" : "#dc3545" } };
        })
      }]
    });
  }
  if (b && b.overdue) {
    chart("chart-overdue", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: grid,
      xAxis: { type: "category", data: b.overdue.counties }, yAxis: { type: "value", name: "个", minInterval: 1 },
      series: [
        { name: "逾期节点", type: "bar", data: b.overdue.data, itemStyle: { color: "#dc3545" } },
        { name: "涉及项目", type: "bar", data: b.overdue.projects, itemStyle: { color: "#fd7e14" } }
      ]
    });
  }

  function targets(id, d) {
    if (!d || !d.has_data) return;
    var colors = ["#0d6efd", "#adb5bd", "#198754", "#ced4da"];
    chart(id, {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: grid,
      xAxis: { type: "category", data: d.counties }, yAxis: { type: "value", name: "个", minInterval: 1 },
      series: d.series.map(function (s, i) {
        return { name: s.name, type: "bar", data: s.data, itemStyle: { color: colors[i % colors.length] } };
      })
    });
  }
  targets("chart-growth", data("growth-chart-data"));
  targets("chart-tech", data("tech-chart-data"));
})();
