// Charts of the project pages: the 四色图 (colour × county), the portfolio 横道图 and a project's milestone 横道图.
// Data come from json_script blocks; a page without data renders "暂无数据" on the server and has no chart element.
(function () {
  var data = chanyeCharts.data;
  var init = chanyeCharts.init;
  function ts(iso) { // "2025-03-01" → local midnight (the time axis works in local time)
    if (!iso) return null;
    var p = iso.split("-");
    return new Date(+p[0], +p[1] - 1, +p[2]).getTime();
  }
  function todayLine(iso) {
    return {
      symbol: "none", silent: true, animation: false,
      lineStyle: { color: "#212529", type: "dashed", width: 1 },
      label: { formatter: "今天", position: "end" },
      data: [{ xAxis: ts(iso) }]
    };
  }
  // A bar of a custom series: value = [row, start, end, slot]; slot 0 = upper/whole, 1 = lower half, 2 = centre thin.
  function barRenderer(layout) {
    return function (params, api) {
      var row = api.value(0), start = api.coord([api.value(1), row]), end = api.coord([api.value(2), row]);
      var band = api.size([0, 1])[1], slot = api.value(3), h, y;
      if (layout === "pair") { h = band * 0.34; y = start[1] - band * 0.38 + (slot ? band * 0.4 : 0); }
      else if (slot === 2) { h = band * 0.3; y = start[1] - h / 2; }
      else { h = band * 0.62; y = start[1] - h / 2; }
      var width = Math.max(end[0] - start[0], 3);
      var cs = params.coordSys;
      var shape = echarts.graphic.clipRectByRect(
        { x: start[0], y: y, width: width, height: h },
        { x: cs.x, y: cs.y, width: cs.width, height: cs.height }
      );
      return shape && { type: "rect", transition: ["shape"], shape: shape, style: api.style() };
    };
  }

  // 四色图: stacked bars per county; a click opens the list filtered to that county and colour.
  var b = data("board-chart-data");
  if (b && b.has_data) {
    var bc = init("chart-board");
    if (bc) {
      bc.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 40, right: 10, top: 34, bottom: 30 },
        xAxis: { type: "category", data: b.counties },
        yAxis: { type: "value", name: "个", minInterval: 1 },
        series: b.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "colour", data: s.data, itemStyle: { color: s.color },
                   emphasis: { focus: "series" } };
        })
      });
      bc.on("click", function (p) {
        var q = new URLSearchParams(window.location.search);
        q.set("county", b.codes[p.dataIndex]);
        q.set("colour", b.series[p.seriesIndex].key);
        q.delete("page");
        window.location.search = q.toString();
      });
    }
  }

  // 项目横道图: per project a light bar from signing to planned production and a solid bar for what happened
  // (start → production, or → today while building; signing → exit for a red project).
  var g = data("gantt-chart-data");
  if (g && g.has_data) {
    var el = document.getElementById("chart-gantt");
    var gc = init("chart-gantt");
    if (gc) {
      var today = ts(g.today), planned = [], actual = [];
      g.bars.forEach(function (x, i) {
        var s = ts(x.signed), p = ts(x.planned) || ts(x.producing) || today;
        planned.push({ value: [i, s, Math.max(p, s), 0], itemStyle: { color: x.hex, opacity: 0.35 } });
        var a0 = null, a1 = null;
        if (x.exited) { a0 = ts(x.started) || s; a1 = ts(x.exited); }
        else if (x.started) { a0 = ts(x.started); a1 = ts(x.producing) || today; }
        if (a0 != null && a1 != null) {
          actual.push({ value: [i, a0, Math.max(a1, a0), 2], itemStyle: { color: x.hex, opacity: 1 } });
        }
      });
      var names = g.bars.map(function (x) { return x.name; });
      var option = {
        animation: false,
        tooltip: {
          formatter: function (p) {
            var x = g.bars[p.value[0]];
            return "<b>" + echarts.format.encodeHTML(x.name) + "</b>（" + echarts.format.encodeHTML(x.county) + "，" +
              x.colour_label + "色）<br>签约 " + (x.signed || "—") + "　计划投产 " + (x.planned || "—") +
              "<br>开工 " + (x.started || "—") + "　投产 " + (x.producing || "—") + (x.exited ? "　退出 " + x.exited : "");
          }
        },
        grid: { left: 190, right: g.zoom ? 40 : 20, top: 20, bottom: 40 },
        xAxis: { type: "time", position: "top", splitLine: { show: true, lineStyle: { color: "#eee" } } },
        yAxis: { type: "category", data: names, inverse: true, axisTick: { show: false },
                 axisLabel: { width: 180, overflow: "truncate" } },
        dataZoom: g.zoom ? [
          { type: "slider", yAxisIndex: 0, startValue: 0, endValue: 29, right: 6, width: 14, filterMode: "weakFilter" },
          { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true, filterMode: "weakFilter" }
        ] : [],
        series: [
          { name: "计划", type: "custom", renderItem: barRenderer("single"), encode: { x: [1, 2], y: 0 },
            data: planned, markLine: todayLine(g.today) },
          { name: "实际", type: "custom", renderItem: barRenderer("single"), encode: { x: [1, 2], y: 0 }, data: actual }
        ]
      };
      gc.setOption(option);
      var url = el.getAttribute("data-detail-url");
      gc.on("click", function (p) {
        var x = g.bars[p.value[0]];
        if (x && url) window.location.href = url.replace("/0/", "/" + x.id + "/");
      });
    }
  }

  // 节点横道图 of one project: for each of the 12 milestones a planned bar (upper, light; red when overdue) and an
  // actual bar (lower, green; orange when done late; a light red bar from the planned date to today while overdue).
  var m = data("project-gantt-data");
  if (m && m.has_data) {
    var mc = init("chart-project-gantt");
    if (mc) {
      var now = ts(m.today), rows = [], names2 = [];
      m.items.forEach(function (it, i) {
        names2.push(it.seq + " " + it.name);
        if (it.planned) {
          var ps = ts(it.planned_start) || ts(it.planned);
          rows.push({ value: [i, ps, ts(it.planned), 0, "计划"],
                      itemStyle: { color: it.overdue ? "#dc3545" : "#9ec5fe", opacity: it.overdue ? 0.8 : 1 } });
        }
        if (it.actual) {
          rows.push({ value: [i, ts(it.actual_start) || ts(it.actual), ts(it.actual), 1, "实际"],
                      itemStyle: { color: it.late ? "#fd7e14" : "#198754" } });
        } else if (it.overdue) {
          rows.push({ value: [i, ts(it.planned), now, 1, "逾期"], itemStyle: { color: "#dc3545", opacity: 0.3 } });
        }
      });
      mc.setOption({
        animation: false,
        tooltip: {
          formatter: function (p) {
            var it = m.items[p.value[0]];
            var kind = p.value[4];
            var txt = "<b>" + echarts.format.encodeHTML(it.name) + "</b>（" + kind + "）<br>";
            if (kind === "计划") txt += "计划完成 " + (it.planned || "—") + (it.overdue ? "，已逾期" : "");
            else if (kind === "实际") txt += "实际完成 " + it.actual + (it.late ? "（延期）" : "") + "，计划 " + (it.planned || "—");
            else txt += "计划 " + it.planned + " 未完成，已逾期至今";
            return txt;
          }
        },
        legend: { show: false },
        grid: { left: 170, right: 30, top: 24, bottom: 20 },
        xAxis: { type: "time", position: "top", splitLine: { show: true, lineStyle: { color: "#eee" } },
                 axisLabel: { formatter: "{yyyy}-{MM}" } },
        yAxis: { type: "category", data: names2, inverse: true, axisTick: { show: false } },
        series: [{ type: "custom", renderItem: barRenderer("pair"), encode: { x: [1, 2], y: 0 }, data: rows,
                   markLine: todayLine(m.today) }]
      });
    }
  }
})();
