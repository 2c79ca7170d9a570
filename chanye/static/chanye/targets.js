(function () {
  if (!window.echarts) return;
  var sparks = document.getElementById("sparks");
  if (sparks) {
    var data = JSON.parse(sparks.textContent);
    document.querySelectorAll(".spark").forEach(function (el) {
      var h = data[el.dataset.code];
      if (!h || h.length < 2) return;
      echarts.init(el).setOption({
        grid: { left: 2, right: 2, top: 2, bottom: 2 }, xAxis: { type: "category", show: false, data: h.map(function (p) { return p[0]; }) },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: h.map(function (p) { return p[1]; }), symbol: "none", lineStyle: { width: 1.5 } }],
        tooltip: { trigger: "axis" }
      });
    });
  }
  var hist = document.getElementById("history");
  if (hist) {
    var h = JSON.parse(hist.textContent), meta = JSON.parse(document.getElementById("target-meta").textContent);
    var c = echarts.init(document.getElementById("chart-history"));
    c.setOption({
      tooltip: { trigger: "axis" }, grid: { left: 50, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: h.map(function (p) { return String(p[0]); }) },
      yAxis: { type: "value", name: meta.unit, max: function (v) { return Math.max(v.max, meta.value) * 1.05; } },
      series: [{ name: "实际", type: "line", data: h.map(function (p) { return p[1]; }),
                 markLine: { data: [{ yAxis: meta.value, name: meta.label }], label: { formatter: "目标 {c}" } } }],
      graphic: h.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: "暂无数据", fill: "#999" } }]
    });
    window.addEventListener("resize", function () { c.resize(); });
  }
})();
