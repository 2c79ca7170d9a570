// The chart plumbing every page shares: read a json_script block, draw an ECharts chart that follows the window size.
// A chart whose element the server did not render (no data, "暂无数据") is skipped.
window.chanyeCharts = (function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function init(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = echarts.init(el);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  function chart(id, option) {
    var c = init(id);
    if (c) c.setOption(option);
    return c;
  }
  return { data: data, init: init, chart: chart };
})();
