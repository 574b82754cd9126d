// Financing's charts: the bridge fund's exposure per firm and per bank, and the guarantee graph.
// Their data come from json_script elements; the tables beside them show the same figures, so
// the pages read the same without JavaScript. Drawn as SVG.
(function () {
  if (typeof echarts === "undefined") return;
  const charts = [];
  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

  function bars(rows) {
    return {
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: rows.map((r) => r[0]) },
      series: [{ type: "bar", data: rows.map((r) => r[1]) }],
    };
  }

  const board = document.getElementById("bridge-dashboard-data");
  if (board) {
    const d = JSON.parse(board.textContent);
    if (d) {
      draw("firm-exposure-chart", bars(d.firms));
      draw("bank-exposure-chart", bars(d.banks));
    }
  }

  // The guarantee graph: a firm per node, an arrow guarantor → guaranteed; firms of a circle in
  // the circle's colour; with a firm chosen, the firms its default reaches outlined in red.
  const graph = document.getElementById("guarantee-graph-data");
  if (graph) {
    const g = JSON.parse(graph.textContent);
    const PALETTE = ["#d63939", "#f76707", "#ae3ec9", "#0ca678", "#4263eb"];
    const reached = new Set(g.reach ? g.reach.firms.map((f) => f.id) : []);
    const chosen = g.reach ? g.reach.firm : null;
    draw("guarantee-graph", {
      tooltip: { renderMode: "richText" },
      series: [
        {
          type: "graph",
          layout: "force",
          roam: true,
          draggable: true,
          force: { repulsion: 220, edgeLength: 90 },
          label: { show: true, position: "right", fontSize: 11 },
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 8,
          data: g.nodes.map((n) => ({
            id: String(n.id),
            name: n.name,
            symbolSize: n.id === chosen ? 26 : 16,
            itemStyle: {
              color: n.circle === null ? "#667382" : PALETTE[n.circle % PALETTE.length],
              borderColor: reached.has(n.id) || n.id === chosen ? "#d63939" : "#fff",
              borderWidth: reached.has(n.id) || n.id === chosen ? 4 : 1,
            },
          })),
          links: g.links.map((l) => ({
            source: String(l.source),
            target: String(l.target),
            value: l.amount_wan,
            lineStyle: { width: 1.5, curveness: 0.15 },
          })),
        },
      ],
    });
  }
})();
