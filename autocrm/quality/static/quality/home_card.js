// Moved out of the page: the Content-Security-Policy allows scripts from this site only.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("home-trend");
  if (!el) return;
  var d = JSON.parse(el.dataset.trend), names = JSON.parse(el.dataset.names);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" }, legend: { right: 0, top: 0 },
    grid: { left: 36, right: 10, top: 30, bottom: 24 },
    xAxis: { type: "category", data: d.months }, yAxis: { type: "value", min: 0, max: 100 },
    series: [{ name: names[0], type: "line", data: d.accuracy, smooth: true },
             { name: names[1], type: "line", data: d.completeness, smooth: true }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
