// Charts of the 供应链 pages: the monthly local share against the XN-LZ-2 target, the counties compared, and a firm's
// two-level local supplier network.
(function () {
  var data = chanyeCharts.data;
  var chart = chanyeCharts.chart;
  var d = data("supply-chart-data");
  if (d && d.months && d.months.length) {
    var goal = d.goal !== null && d.goal !== undefined ? [{ yAxis: d.goal, name: "目标", label: { formatter: "目标 {c}%" }, lineStyle: { color: "#dc3545" } }] : [];
    var series = [{ name: "本地配套率", type: "line", data: d.local, markLine: { symbol: "none", data: goal } }];
    if (d.same) series.push({ name: "同区县配套率", type: "line", data: d.same });
    chart("chart-trend", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      legend: { top: 0 }, grid: { left: 40, right: 50, top: 30, bottom: 30 },
      xAxis: { type: "category", data: d.months }, yAxis: { type: "value", name: "%", max: 100 },
      series: series
    });
  }
  if (d && d.counties && d.counties.length > 1) {
    chart("chart-counties", {
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, top: 10, bottom: 50 },
      xAxis: { type: "category", data: d.counties, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "%", max: 100 },
      series: [{ name: "本地配套率", type: "bar", data: d.county_local,
                 markLine: { symbol: "none", data: d.goal !== null ? [{ yAxis: d.goal }] : [] } }]
    });
  }
  var g = data("supply-graph-data");
  if (g && g.nodes && g.nodes.length > 1) {
    var max = Math.max.apply(null, g.edges.map(function (e) { return e.amount; }).concat([1]));
    var colours = ["#0d6efd", "#198754", "#fd7e14"];
    chart("chart-graph", {
      tooltip: { formatter: function (p) { return p.dataType === "edge" ? p.data.label + "：" + p.data.value + " 万元" : p.data.name; } },
      series: [{
        type: "graph", layout: "force", roam: true, force: { repulsion: 140, edgeLength: [50, 120] }, zoom: 0.8,
        label: { position: "right", fontSize: 11 },
        edgeSymbol: ["none", "arrow"],
        data: g.nodes.map(function (n) {
          return { id: n.id, name: n.name, symbolSize: n.level === 0 ? 36 : (n.level === 1 ? 22 : 14),
                   itemStyle: { color: colours[n.level] }, label: { show: n.level < 2 } };
        }),
        links: g.edges.map(function (e) {
          return { source: e.source, target: e.target, value: e.amount, label: "供货",
                   lineStyle: { width: 1 + 6 * e.amount / max, opacity: 0.7 } };
        })
      }]
    });
  }
})();
