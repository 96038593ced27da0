// Moved out of the page: the Content-Security-Policy allows scripts from this site only.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("chart-funnel");
  var data = JSON.parse(el.dataset.series);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + p.data.count + " (" + p.value + "%)"; } },
    color: ["#3a7bd5", "#4f9bd9", "#2e9d5b", "#1f7a46"],
    series: [{ type: "funnel", sort: "none", top: 10, bottom: 10, left: "5%", width: "90%", min: 0, max: 100, minSize: "30%", gap: 3,
               label: { position: "inside", formatter: function (p) { return p.name + "  " + p.value + "%"; } },
               data: data }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
