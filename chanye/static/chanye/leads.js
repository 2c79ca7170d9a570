// 招商线索 pages: on a lead's page the signing fields follow the chosen stage (签约/落地); on the conversion page the
// funnel 线索 → 接洽 → 考察 → 签约 → 落地 (data from a json_script block; no block, no chart).
(function () {
  var form = document.getElementById("move-form");
  if (form) {
    var to = form.querySelector("select[name=to]");
    var toggle = function () {
      var signing = to && (to.value === "signed" || to.value === "landed");
      form.querySelectorAll(".signing").forEach(function (el) { el.classList.toggle("opacity-50", !signing); });
    };
    if (to) { to.addEventListener("change", toggle); toggle(); }
  }

  var f = window.chanyeCharts && chanyeCharts.data("funnel-data");
  if (f && f.has_data) {
    var first = f.data.length ? f.data[0].value : 0;
    chanyeCharts.chart("chart-funnel", {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var share = first ? (100 * p.value / first).toFixed(1) : "0.0";
          return p.name + "：" + p.value + " 条（占线索 " + share + "%）";
        }
      },
      color: ["#0d6efd", "#6610f2", "#6f42c1", "#ffc107", "#198754"],
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%", top: 10, bottom: 10, minSize: "8%", gap: 2,
        label: { show: true, position: "inside", formatter: "{b}\n{c} 条" },
        data: f.data
      }]
    });
  }
})();
