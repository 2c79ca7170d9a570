// 产业链图谱 (XN-CL-5): draws one chain as an ECharts graph from /chains/<pk>/data.json — links in stage columns
// (上游 → 中游 → 下游), coloured by status (较强/薄弱/缺失/单一支撑), ★ key links with a dark border, ⚠ 卡脖子 links as
// diamonds, arrows along the chain. A click on a node (or on a link's name in the table) loads the link panel
// (local enterprises, attraction targets). The picture exports as PNG (the chart as shown) and as SVG (drawn again
// by ECharts' SVG renderer). The chart is exposed as window.chanyeChainMap for tests and for the console.
(function () {
  var el = document.getElementById("chain-map");
  var panel = document.getElementById("link-panel");
  if (!el || !window.echarts) return;
  var state = { chart: null, data: null, openPanel: openPanel };
  window.chanyeChainMap = state;

  function num(x, digits) {
    return Number(x || 0).toLocaleString("zh-CN", { maximumFractionDigits: digits || 0 });
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  function label(n) {
    return n.name + (n.key ? " ★" : "") + (n.chokepoint ? " ⚠" : "");
  }
  function title(d) {
    return d.chain.name + (d.county ? " · " + d.county.name : "");
  }

  function tooltip(p) {
    if (p.dataType === "edge") {
      var s = state.byId[p.data.source], t = state.byId[p.data.target];
      return s && t ? esc(s.name) + " → " + esc(t.name) : "";
    }
    var n = p.data;
    if (n.isStage) return "";
    var lines = [
      "<strong>" + esc(label(n)) + "</strong>（" + esc(n.stage) + "）",
      "状态：" + esc(n.statusLabel),
      "本地企业 " + n.enterprises + " 家（规上 " + n.aboveScale + " 家" + (n.leaders ? "，链主 " + n.leaders + " 家" : "") + "）",
      "近12个月产值 " + num(n.output) + " 万元" + (n.share != null ? "，占全链 " + num(n.share, 1) + "%" : ""),
      "招商目标 " + n.targets + " 家"
    ];
    if (n.key) lines.push("关键环节");
    if (n.chokepoint) lines.push("卡脖子环节");
    if (n.reasons && n.reasons.length) lines.push("原因：" + esc(n.reasons.join("；")));
    return lines.join("<br>");
  }

  // The option for the page and for the SVG export (`forExport`: no animation, the view's zoom and centre kept).
  function option(d, forExport) {
    var cats = {};
    d.statuses.forEach(function (s, i) { cats[s.key] = i; });
    var ys = d.nodes.map(function (n) { return n.y; });
    var top = ys.length ? Math.min.apply(null, ys) - 100 : 0;
    var perStage = {};
    d.nodes.forEach(function (n) { perStage[n.stage] = (perStage[n.stage] || 0) + 1; });
    var rows = Math.max.apply(null, [1].concat(Object.keys(perStage).map(function (k) { return perStage[k]; })));
    var crowded = rows > 8; // a long column: smaller nodes, names to their right
    var base = crowded ? Math.max(14, 34 * 8 / rows) : 34;
    var nodes = d.nodes.map(function (n) {
      var size = base + Math.min(base * 0.9, Math.sqrt(n.enterprises) * base / 7);
      return Object.assign({}, n, {
        category: cats[n.status],
        symbol: n.chokepoint ? "diamond" : "circle",
        symbolSize: n.chokepoint ? size * 1.2 : size,
        itemStyle: {
          color: n.itemStyle.color,
          borderColor: n.key ? "#212529" : "#ffffff",
          borderWidth: n.key ? 4 : 1.5
        },
        label: { show: true, position: crowded ? "right" : "bottom", formatter: label(n), fontSize: 12, color: "#212529" }
      });
    });
    d.stages.forEach(function (s, i) { // column titles 上游 / 中游 / 下游, placed as label-only nodes
      nodes.push({
        id: "stage-" + i, name: s, isStage: true, x: i * 300 + 20, y: top, symbolSize: 1,
        itemStyle: { color: "rgba(0,0,0,0)" }, tooltip: { show: false }, emphasis: { disabled: true },
        label: { show: true, position: "inside", formatter: s, fontSize: 15, fontWeight: "bold", color: "#0d3b66" }
      });
    });
    var series = {
      type: "graph", layout: "none", roam: true, draggable: false,
      left: 70, right: 90, top: 70, bottom: 50, preserveAspect: "contain",
      categories: d.statuses.map(function (s) { return { name: s.label, itemStyle: { color: s.colour } }; }),
      data: nodes,
      links: d.edges,
      edgeSymbol: ["none", "arrow"], edgeSymbolSize: [4, 10],
      lineStyle: { color: "#6c757d", width: 1.5, curveness: 0.12, opacity: 0.85 },
      emphasis: { focus: "adjacency", lineStyle: { width: 3 } },
      selectedMode: "single",
      select: { itemStyle: { borderColor: "#0d6efd", borderWidth: 5 } }
    };
    if (forExport && state.chart) {
      var cur = (state.chart.getOption().series || [])[0] || {};
      if (cur.zoom) series.zoom = cur.zoom;
      if (cur.center) series.center = cur.center;
    }
    return {
      animation: !forExport,
      backgroundColor: "#ffffff",
      title: { text: title(d), left: 10, top: 6, textStyle: { fontSize: 15 } },
      legend: { top: 8, right: 10, data: d.statuses.map(function (s) { return s.label; }) },
      tooltip: { trigger: "item", confine: true, formatter: tooltip },
      series: [series]
    };
  }

  function download(blob, filename) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
  }
  function filename(ext) {
    return (el.dataset.filename || "产业链图谱") + (state.data && state.data.county ? "_" + state.data.county.name : "") + "." + ext;
  }
  function exportPng() {
    var url = state.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#ffffff" });
    var bin = atob(url.split(",")[1]), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    download(new Blob([bytes], { type: "image/png" }), filename("png"));
  }
  function exportSvg() {
    var svgChart = echarts.init(null, null, { renderer: "svg", ssr: true, width: el.clientWidth, height: el.clientHeight });
    svgChart.setOption(option(state.data, true));
    var svg = svgChart.renderToSVGString();
    svgChart.dispose();
    download(new Blob(['<?xml version="1.0" encoding="UTF-8"?>\n', svg], { type: "image/svg+xml;charset=utf-8" }), filename("svg"));
  }

  function mark(id) {
    document.querySelectorAll("#chain-links tr[data-link]").forEach(function (tr) {
      tr.classList.toggle("table-active", tr.getAttribute("data-link") === String(id));
    });
    if (state.chart && state.index[id] != null) {
      state.chart.dispatchAction({ type: "select", seriesIndex: 0, dataIndex: state.index[id] });
    }
  }
  // Load the link panel: the server renders the fragment for the link (scoped, with the page's county filter).
  function openPanel(id) {
    if (!panel) return Promise.resolve();
    var url = el.dataset.panelUrl.replace(/0\/$/, id + "/") + (el.dataset.county ? "?county=" + encodeURIComponent(el.dataset.county) : "");
    panel.setAttribute("aria-busy", "true");
    mark(id);
    return fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
      .then(function (r) {
        // a redirect here is the sign-in page (the session has expired): not a fragment to show in the panel
        if (!r.ok || r.redirected) throw new Error(r.redirected ? "redirected" : r.status);
        return r.text();
      })
      .then(function (html) { panel.innerHTML = html; })
      .catch(function (e) {
        panel.innerHTML = '<div class="alert alert-warning small mb-0">' +
          (e.message === "redirected" ? "登录已超时，请刷新页面重新登录。" : "环节信息加载失败，请刷新页面后重试。") + "</div>";
      })
      .then(function () { panel.removeAttribute("aria-busy"); });
  }

  function draw(d) {
    state.data = d;
    state.byId = {};
    state.index = {};
    d.nodes.forEach(function (n, i) { state.byId[n.id] = n; state.index[n.id] = i; });
    el.innerHTML = "";
    var chart = echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    chart.setOption(option(d, false));
    chart.on("click", function (p) {
      if (p.dataType === "node" && p.data && !p.data.isStage) openPanel(p.data.id);
    });
    state.chart = chart;
    document.getElementById("export-png").disabled = false;
    document.getElementById("export-svg").disabled = false;
    el.setAttribute("data-ready", "1");
  }

  document.getElementById("export-png").addEventListener("click", exportPng);
  document.getElementById("export-svg").addEventListener("click", exportSvg);
  document.querySelectorAll("#chain-links a.link-open").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      openPanel(a.getAttribute("data-link")).then(function () {
        if (panel) panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
      });
    });
  });

  fetch(el.dataset.url, { credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok || r.redirected) throw new Error(r.redirected ? "redirected" : r.status);
      return r.json();
    })
    .then(draw)
    .catch(function (e) {
      if (window.console) console.error(e);
      el.innerHTML = '<div class="alert alert-warning small">' +
        (e.message === "redirected" ? "登录已超时，请刷新页面重新登录。" : "图谱数据加载失败，请刷新页面后重试。") + "</div>";
    });
})();
