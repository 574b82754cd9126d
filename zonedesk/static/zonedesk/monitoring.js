// The dashboard's trend charts: this year's 13 months against the same months a year earlier.
// Data come from the json_script element "trend-data"; the tables under the charts show the same.
(function () {
  const data = document.getElementById("trend-data");
  if (!data || typeof echarts === "undefined") return;
  const trend = JSON.parse(data.textContent);
  const charts = [];
  document.querySelectorAll(".trend-chart").forEach((el) => {
    const s = trend.series[Number(el.dataset.series)];
    if (!s) return;
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: trend.months, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: true },
      series: [
        { name: trend.this_year, type: "line", data: s.this, smooth: true, connectNulls: false },
        { name: trend.last_year, type: "line", data: s.last, smooth: true, lineStyle: { type: "dashed" } },
      ],
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
