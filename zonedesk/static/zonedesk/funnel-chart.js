// The leads funnel's chart: for all the leads, how many reached each stage of the way (bars, the
// first stage on top) and the conversion to the next stage beside each bar. The data come from a
// json_script element; the table under the chart shows the same figures, so the page reads the
// same without JavaScript. Drawn as SVG.
(function () {
  const source = document.getElementById("funnel-chart-data");
  const el = document.getElementById("funnel-chart");
  if (!source || !el || typeof echarts === "undefined") return;
  const d = JSON.parse(source.textContent);
  if (!d) return;
  const chart = echarts.init(el, null, { renderer: "svg" });
  const label = (s) => (s.conversion ? `${s.reached} · ${d.labels.conversion} ${s.conversion}` : `${s.reached}`);
  function option() {
    const narrow = el.clientWidth < 560;
    return {
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: (p) => {
          const s = d.stages[p.dataIndex];
          const lines = [s.name, `${d.labels.reached}: ${s.reached}`];
          if (s.conversion) lines.push(`${d.labels.conversion}: ${s.conversion}`);
          return lines.join("\n");
        },
      },
      // The conversion text stands right of each bar: the grid keeps room for the longest.
      grid: { left: 8, right: narrow ? 150 : 220, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: narrow ? 2 : 4, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: d.stages.map((s) => s.name) },
      series: [
        {
          type: "bar",
          barMaxWidth: 28,
          itemStyle: { color: "#206bc4" },
          data: d.stages.map((s) => s.reached),
          label: {
            show: true,
            position: "right",
            fontSize: narrow ? 11 : 12,
            formatter: (p) => label(d.stages[p.dataIndex]),
          },
        },
      ],
    };
  }
  chart.setOption(option());
  window.addEventListener("resize", () => {
    chart.setOption(option());
    chart.resize();
  });
  el.dataset.ready = "1";
})();
