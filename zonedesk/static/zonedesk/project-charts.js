// Key projects' charts. Their data come from json_script elements; the tables beside them show
// the same figures, so the pages read the same without JavaScript. Drawn as SVG.
(function () {
  if (typeof echarts === "undefined") return;
  const COLOURS = { red: "#d63939", yellow: "#f59f00", green: "#2fb344", done: "#667382" };
  const charts = [];
  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

  // The dashboard: projects by stage (bars) and by light (a ring in the lights' colours).
  const board = document.getElementById("project-dashboard-data");
  if (board) {
    const d = JSON.parse(board.textContent);
    draw("stage-chart", {
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.stages.map((s) => s[0]) },
      series: [{ type: "bar", data: d.stages.map((s) => s[1]) }],
    });
    // The ring's counts sit inside it and its names in the legend under it: labels outside a
    // ring are cut at the card's edge on a phone.
    const lit = Object.fromEntries(d.lights.map((l) => [l[0], l[1]]));
    draw("light-chart", {
      tooltip: { trigger: "item", renderMode: "richText" },
      legend: { bottom: 0, formatter: (name) => `${name}: ${lit[name]}` },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          center: ["50%", "45%"],
          label: { position: "inside", formatter: (p) => (p.value ? String(p.value) : ""), color: "#fff", fontWeight: "bold" },
          labelLine: { show: false },
          data: d.lights.map((l) => ({ name: l[0], value: l[1], itemStyle: { color: COLOURS[l[2]] } })),
        },
      ],
    });
  }

  // The project page's Gantt-style chart: per node its baseline (hollow diamond), its planned
  // date (a dot in its light's colour) and its actual date (a square), a bar from the baseline
  // to the actual date (or to today while open), and today as a vertical line.
  const gantt = document.getElementById("project-gantt-data");
  if (gantt) {
    const g = JSON.parse(gantt.textContent);
    const names = g.nodes.map((n) => n.name);
    // A node once done is grey (its bar, its planned dot and its actual square), as the caption says.
    const colour = (n) => (n.actual ? COLOURS.done : COLOURS[n.light] || COLOURS.done);
    const spans = g.nodes.map((n) => {
      const dates = [n.baseline, n.planned, n.actual || g.today].sort();
      return { coords: [[dates[0], n.name], [dates[dates.length - 1], n.name]], lineStyle: { color: colour(n) } };
    });
    const el = document.getElementById("gantt-chart");
    if (el) el.style.height = `${Math.max(240, 28 * names.length + 80)}px`;
    // As many date labels as the width holds (about 90 px each, the year's bold label included),
    // and none drawn over another.
    // While a node is open, today (its bar's end and the dashed line) is within the axis too.
    const today = Date.parse(g.today);
    const open = g.nodes.some((n) => !n.actual);
    const dateAxis = () => ({
      type: "time",
      min: open ? (v) => Math.min(v.min, today) : null,
      max: open ? (v) => Math.max(v.max, today) : null,
      splitNumber: Math.max(2, Math.floor(((el ? el.clientWidth : 600) - 120) / 90)),
      // Years and months as numbers (the same in every language): "2021", "2021-07", "07-15".
      axisLabel: { hideOverlap: true, formatter: { year: "{yyyy}", month: "{yyyy}-{MM}", day: "{MM}-{dd}" } },
    });
    draw("gantt-chart", {
      tooltip: { trigger: "item", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 52, bottom: 8, containLabel: true },
      xAxis: dateAxis(),
      yAxis: { type: "category", inverse: true, data: names },
      series: [
        { type: "lines", coordinateSystem: "cartesian2d", data: spans, lineStyle: { width: 6, opacity: 0.35 }, silent: true },
        {
          name: g.labels.baseline,
          type: "scatter",
          symbol: "diamond",
          symbolSize: 12,
          itemStyle: { color: "#fff", borderColor: COLOURS.done, borderWidth: 2 },
          data: g.nodes.map((n) => [n.baseline, n.name]),
        },
        {
          name: g.labels.planned,
          type: "scatter",
          symbolSize: 11,
          itemStyle: { color: COLOURS.done }, // the legend's dot; each node's in its light's colour
          data: g.nodes.map((n) => ({ value: [n.planned, n.name], itemStyle: { color: colour(n) } })),
          markLine: {
            symbol: "none",
            // Above the chart (its top end), clear of the dates under it.
            label: { formatter: g.labels.today, position: "start" },
            lineStyle: { color: "#206bc4", type: "dashed" },
            data: [{ xAxis: g.today }],
          },
        },
        {
          name: g.labels.actual,
          type: "scatter",
          symbol: "rect",
          symbolSize: 10,
          itemStyle: { color: COLOURS.done },
          data: g.nodes.filter((n) => n.actual).map((n) => [n.actual, n.name]),
        },
      ],
    });
    const chart = el && echarts.getInstanceByDom(el);
    if (chart) window.addEventListener("resize", () => chart.setOption({ xAxis: dateAxis() }));
  }
})();
