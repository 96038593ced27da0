// Moved out of the page: the Content-Security-Policy allows scripts from this site only.
document.addEventListener("DOMContentLoaded", function () {
  function make(el, option) {
    var chart = echarts.init(el); chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll(".chart.pie[data-series]").forEach(function (el) {
    make(el, {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "64%"], center: ["50%", "45%"], avoidLabelOverlap: true,
                 label: { formatter: "{b} {d}%" }, data: JSON.parse(el.dataset.series) }]
    });
  });
  var t = document.getElementById("chart-trend");
  if (t) {
    var d = JSON.parse(t.dataset.trend);
    make(t, {
      tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: d.names[0], type: "line", data: d.accuracy, smooth: true },
        { name: d.names[1], type: "line", data: d.completeness, smooth: true },
        { name: d.names[2], type: "line", data: d.good_share, smooth: true, lineStyle: { type: "dashed" } }
      ]
    });
  }
  var c = document.getElementById("chart-channels");
  if (c) {
    var ch = JSON.parse(c.dataset.channels);
    var bound = function (name, data, color) {
      return { name: name, type: "scatter", data: data, symbol: "rect", symbolSize: [4, 22], itemStyle: { color: color }, z: 3 };
    };
    make(c, {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } }, legend: { bottom: 0 },
      grid: { left: 120, right: 40, top: 10, bottom: 50 },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: ch.labels, inverse: true },
      series: [
        { name: ch.names[0], type: "bar", data: ch.share, barWidth: 16, label: { show: true, position: "right", formatter: "{c}%" } },
        bound(ch.names[1], ch.low, "#e6a700"),
        bound(ch.names[2], ch.high, "#2e9d5b")
      ]
    });
  }
});
