// Charts of the cultivation pages (小升规, 梯度, 预警待办). Data come from json_script blocks; a page with no data
// renders "暂无数据" on the server and has no chart element, so nothing is drawn here.
(function () {
  var data = chanyeCharts.data;
  var chart = chanyeCharts.chart;
  function bars(d, stack, colors) {
    return d.series.map(function (s) {
      var o = { name: s.name, type: "bar", data: s.data };
      if (stack) o.stack = stack;
      if (colors && colors[s.key]) o.itemStyle = { color: colors[s.key] };
      return o;
    });
  }

  var q = data("quota-chart-data");
  if (q && q.has_data) {
    chart("chart-quota", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 40 },
      xAxis: { type: "category", data: q.counties }, yAxis: { type: "value", name: "家", minInterval: 1 },
      series: [
        { name: "今年新增规上", type: "bar", data: q.new },
        { name: "年度目标", type: "bar", data: q.quota, itemStyle: { color: "#ccc" } },
        { name: "全年预计", type: "bar", data: q.projected, itemStyle: { color: "#91cc75" } }
      ]
    });
  }

  var t = data("tier-chart-data");
  if (t && t.has_data) {
    chart("chart-tiers", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 40 },
      xAxis: { type: "category", data: t.counties }, yAxis: { type: "value", name: "家", minInterval: 1 },
      series: bars(t, "tier")
    });
  }

  var a = data("alert-chart-data");
  if (a && a.has_data) {
    chart("chart-alerts", {
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: a.months }, yAxis: { type: "value", name: "条", minInterval: 1 },
      series: bars(a, "kind", { approach: "#ffc107", reached: "#198754", exit_risk: "#dc3545" })
    });
  }
})();
