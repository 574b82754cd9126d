// The dashboard's trend charts: this year's 13 months against the same months a year earlier.
// Data come from the json_script element "trend-data"; the tables under the charts show the same.
// Straight lines between the months (a smoothed curve invents values between them), every axis
// label whole, the latest month always labelled, the unit above the value axis; drawn as SVG.
(function () {
  const data = document.getElementById("trend-data");
  if (!data || typeof echarts === "undefined") return;
  const trend = JSON.parse(data.textContent);
  const n = trend.months.length;
  const LABEL_PX = 44; // room for one short month label ("12月"), its gap included

  // Label every step-th month counting back from the latest, as many as the width holds.
  function monthAxis(el) {
    const room = Math.max(el.clientWidth - 80, LABEL_PX);
    const step = Math.max(1, Math.ceil((n * LABEL_PX) / room));
    return {
      type: "category",
      data: trend.months,
      axisTick: { alignWithLabel: true },
      axisLabel: {
        interval: (i) => (n - 1 - i) % step === 0,
        // The year under the first month labelled, and under the first labelled in a new year.
        formatter: (value, i) => {
          const a = trend.axis[i];
          const first = i - step < 0;
          return first || trend.axis[i - step].year !== a.year ? `${a.month}\n${a.year}` : a.month;
        },
        hideOverlap: false,
      },
    };
  }

  const charts = [];
  document.querySelectorAll(".trend-chart").forEach((el) => {
    const s = trend.series[Number(el.dataset.series)];
    if (!s) return;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
      xAxis: monthAxis(el),
      yAxis: { type: "value", scale: true, name: s.unit, nameTextStyle: { align: "left" } },
      series: [
        { name: trend.this_year, type: "line", data: s.this, smooth: false, connectNulls: false },
        { name: trend.last_year, type: "line", data: s.last, smooth: false, lineStyle: { type: "dashed" } },
      ],
    });
    charts.push([chart, el]);
  });
  window.addEventListener("resize", () =>
    charts.forEach(([chart, el]) => {
      chart.resize();
      chart.setOption({ xAxis: monthAxis(el) });
    }),
  );
})();
