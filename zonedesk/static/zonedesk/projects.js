// A key project's investment this year: each month's planned and completed (万元) as bars.
// Data come from the json_script element "invest-data"; the months table above shows the same.
(function () {
  const el = document.getElementById("invest-chart");
  const data = document.getElementById("invest-data");
  if (!el || !data || typeof echarts === "undefined") return;
  const d = JSON.parse(data.textContent);
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 56, right: 12, top: 48, bottom: 28 },
    xAxis: { type: "category", data: d.months, axisTick: { alignWithLabel: true } },
    yAxis: { type: "value", name: d.names.unit },
    series: [
      { name: d.names.planned, type: "bar", data: d.planned.map(Number) },
      { name: d.names.done, type: "bar", data: d.done.map(Number) },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
