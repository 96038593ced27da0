// Every <div data-chart='{…}'> is an ECharts chart whose option the server wrote as JSON
// (the Content-Security-Policy allows scripts from this site only, so no inline script).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var option = JSON.parse(el.getAttribute("data-chart"));
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
});
