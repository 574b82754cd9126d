// Charts read their data from a json_script element next to them; no inline data in scripts.
(function () {
  const el = document.getElementById("industry-chart");
  const data = document.getElementById("industry-data");
  if (!el || !data || typeof echarts === "undefined") return;
  const rows = JSON.parse(data.textContent);
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item", renderMode: "richText" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: rows, label: { formatter: "{b}: {c}" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
