(function () {
  var s = JSON.parse(document.getElementById("series").textContent);
  var el = document.getElementById("chart-monthly");
  if (!el || !window.echarts) return;
  var c = echarts.init(el);
  function col(k) { return s.map(function (r) { return r[k]; }); }
  c.setOption({
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 60, right: 60, top: 40, bottom: 40 },
    xAxis: { type: "category", data: col("month") },
    yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "万千瓦时" }],
    series: [
      { name: "工业总产值", type: "line", data: col("output") },
      { name: "主营业务收入", type: "line", data: col("main_revenue") },
      { name: "开票销售额", type: "line", data: col("invoice_sales") },
      { name: "用电量", type: "bar", yAxisIndex: 1, data: col("electricity"), itemStyle: { opacity: 0.4 } }
    ],
    graphic: s.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: "该来源暂无数据", fill: "#999" } }]
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
