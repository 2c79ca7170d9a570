// 区县地图: the counties coloured by one indicator (buttons pick it), the projects as points by their colour (XN-XM-4).
(function () {
  var d = chanyeCharts.data("map-data");
  if (!d) return;
  echarts.registerMap(d.map, d.geo);
  var chart = chanyeCharts.init("chart-map");
  if (!chart) return;
  var COLOURS = { green: "#198754", blue: "#0d6efd", yellow: "#ffc107", red: "#dc3545" };
  var layer = d.layers[0].key;
  var showProjects = true;

  function option() {
    var meta = d.layers.filter(function (l) { return l.key === layer; })[0];
    var values = d.values[layer] || [];
    var nums = values.map(function (v) { return v.value; }).filter(function (v) { return v !== null; });
    var min = nums.length ? Math.min.apply(null, nums) : 0;
    var max = nums.length ? Math.max.apply(null, nums) : 1;
    if (min === max) { max = min + 1; }
    var series = [{
      name: meta.label, type: "map", map: d.map, geoIndex: 0,
      data: values.map(function (v) { return { name: v.name, value: v.value, unit: v.unit }; })
    }];
    // The units' names above the points: a series of their own, drawn last.
    series.push({
      name: "区县名称", type: "scatter", coordinateSystem: "geo", geoIndex: 0, symbolSize: 0, silent: true, z: 10,
      label: { show: true, formatter: "{b}", fontWeight: "bold", color: "#222", backgroundColor: "rgba(255,255,255,0.85)", padding: [2, 4], borderRadius: 3 },
      tooltip: { show: false }, data: d.names
    });
    if (showProjects) {
      ["green", "blue", "yellow", "red"].forEach(function (c) {
        var pts = d.projects.filter(function (p) { return p.colour === c; });
        if (!pts.length) return;
        series.push({
          name: pts[0].colour_label + "色项目", type: "scatter", coordinateSystem: "geo", geoIndex: 0,
          symbolSize: function (v, p) { return Math.max(6, Math.min(18, 4 + Math.sqrt(p.data.investment) * 2)); },
          itemStyle: { color: COLOURS[c], borderColor: "#fff", borderWidth: 1 },
          data: pts
        });
      });
    }
    return {
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.seriesType === "scatter") {
            var x = p.data;
            return x.name + "<br>" + x.colour_label + "色（" + x.meaning + "）<br>总投资 " + x.investment + " 亿元" + (x.park ? "<br>" + x.park : "");
          }
          var v = p.data && p.data.value !== null && p.data.value !== undefined ? p.data.value + " " + meta.unit : "无数据";
          return ((p.data && p.data.unit) || p.name) + "<br>" + meta.label + "：" + v;
        }
      },
      legend: showProjects ? { bottom: 0, data: series.slice(2).map(function (s) { return s.name; }) } : { show: false },
      visualMap: {
        min: min, max: max, seriesIndex: 0, left: 10, bottom: 30, calculable: true, text: ["高", "低"],
        inRange: { color: ["#e8f1fb", "#084594"] }, formatter: function (v) { return (Math.round(v * 10) / 10) + " " + meta.unit; }
      },
      geo: {
        map: d.map, roam: true, label: { show: false }, itemStyle: { areaColor: "#f2f2f2", borderColor: "#999" },
        emphasis: { label: { show: false } }
      },
      series: series
    };
  }
  function draw() { chart.setOption(option(), true); }
  chart.on("click", function (p) {
    if (p.seriesType === "scatter" && p.data && p.data.url) window.location.href = p.data.url;
  });
  document.querySelectorAll("#map-layers [data-layer]").forEach(function (b) {
    b.addEventListener("click", function () {
      layer = b.getAttribute("data-layer");
      document.querySelectorAll("#map-layers [data-layer]").forEach(function (x) { x.classList.toggle("active", x === b); });
      draw();
    });
  });
  var toggle = document.getElementById("map-projects");
  if (toggle) toggle.addEventListener("change", function () { showProjects = toggle.checked; draw(); });
  draw();
})();
