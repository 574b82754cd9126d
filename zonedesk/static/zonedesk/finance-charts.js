// Financing's charts: the bridge fund's exposure per firm and per bank, and the guarantee graph.
// Their data come from json_script elements; the tables beside them show the same figures, so
// the pages read the same without JavaScript. Drawn as SVG.
(function () {
  if (typeof echarts === "undefined") return;
  const charts = [];
  // Amounts in 万元 as the tables write them: grouped, two places (1,723.00), never 1723.5.
  const moneyFormat = new Intl.NumberFormat(document.documentElement.lang || "zh", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const asMoney = (v) =>
    v === null || v === undefined || v === "" || Number.isNaN(Number(v)) ? "—" : moneyFormat.format(Number(v));
  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
    // Sized to its container, also when the card changes width without the window doing so
    // (the fonts arrive, a sidebar folds).
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => chart.resize()).observe(el);
    return chart;
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

  function bars(rows) {
    return {
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: asMoney },
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
  // The nodes sit on a circle inside margins that hold their names, each name outside the
  // circle on its node's side (a force layout pushes nodes to the edges, where a name is cut
  // off). A value
  // missing from the data (a guarantee without an amount, a firm without a name) is drawn as
  // "—", never an error.
  const graph = document.getElementById("guarantee-graph-data");
  if (graph) {
    const g = JSON.parse(graph.textContent) || {};
    const nodes = Array.isArray(g.nodes) ? g.nodes.filter((n) => n && n.id != null) : [];
    const links = Array.isArray(g.links)
      ? g.links.filter((l) => l && l.source != null && l.target != null)
      : [];
    const PALETTE = ["#d63939", "#f76707", "#ae3ec9", "#0ca678", "#4263eb"];
    const reachFirms = g.reach && Array.isArray(g.reach.firms) ? g.reach.firms : [];
    const reached = new Set(reachFirms.filter((f) => f).map((f) => f.id));
    const chosen = g.reach ? g.reach.firm : null;
    const graphEl = document.getElementById("guarantee-graph");
    const unit = (graphEl && graphEl.dataset.unit) || "";
    const amount = (v) => (asMoney(v) === "—" ? "—" : `${asMoney(v)} ${unit}`.trim());
    const nameOf = (n) => (n && n.name != null && String(n.name).trim() ? String(n.name) : "—");
    const names = new Map(nodes.map((n) => [String(n.id), nameOf(n)]));
    const small = graphEl && graphEl.clientWidth < 560;
    const NAME_WIDTH = small ? 84 : 132;
    const FONT = small ? 11 : 12;
    const LINE = small ? 17 : 18;
    // A name in lines of at most NAME_WIDTH: broken before "（" and never inside a bracketed
    // part (某某（合成） keeps its bracket whole), a long run without brackets cut by width.
    const wide = (ch) => (/[\u0000-\u00ff]/.test(ch) ? FONT * 0.6 : FONT);
    const widthOf = (text) => [...text].reduce((w, ch) => w + wide(ch), 0);
    function wrap(name) {
      const parts = name.split(/(?=[（(])|(?<=[）)])/).filter((p) => p);
      const pieces = [];
      parts.forEach((p) => {
        if (/^[（(]/.test(p) || widthOf(p) <= NAME_WIDTH) return pieces.push(p);
        let run = "";
        [...p].forEach((ch) => {
          if (run && widthOf(run + ch) > NAME_WIDTH) {
            pieces.push(run);
            run = "";
          }
          run += ch;
        });
        if (run) pieces.push(run);
      });
      const lines = [];
      pieces.forEach((p) => {
        const last = lines.length ? lines[lines.length - 1] : null;
        if (last !== null && widthOf(last + p) <= NAME_WIDTH) lines[lines.length - 1] = last + p;
        else lines.push(p);
      });
      return lines;
    }
    // The nodes on a circle, each name outside it on its own side (right of a node on the
    // right, above one at the top…), so no arrow, which runs inside the circle, crosses a name.
    const wrapped = new Map(nodes.map((n) => [String(n.id), wrap(nameOf(n))]));
    const most = Math.max(1, ...[...wrapped.values()].map((l) => l.length));
    const count = Math.max(1, nodes.length);
    const side = (i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / count;
      const c = Math.cos(a);
      const pos = c > 0.3 ? "right" : c < -0.3 ? "left" : Math.sin(a) < 0 ? "top" : "bottom";
      return { a, pos };
    };
    const width = (graphEl && graphEl.clientWidth) || 600;
    const margin = NAME_WIDTH + 16;
    const vertical = most * LINE + 16;
    const diameter = Math.max(120, Math.min(width - 2 * margin, small ? 360 : 420));
    // The chart as tall as what it draws: no empty band under a small circle on a phone.
    if (graphEl) graphEl.style.height = `${Math.round(diameter + 2 * vertical)}px`;
    draw("guarantee-graph", {
      tooltip: {
        renderMode: "richText",
        formatter: (p) =>
          p.dataType === "edge"
            ? `${names.get(p.data.source) || "—"} → ${names.get(p.data.target) || "—"}: ${amount(p.data.amount)}`
            : p.name || "—",
      },
      series: [
        {
          type: "graph",
          layout: "none",
          left: (width - diameter) / 2,
          right: (width - diameter) / 2,
          top: vertical,
          bottom: vertical,
          roam: false,
          label: { show: true, fontSize: FONT, lineHeight: LINE, distance: 6 },
          labelLayout: { hideOverlap: false },
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 8,
          data: nodes.map((n, i) => {
            const { a, pos } = side(i);
            const lines = wrapped.get(String(n.id));
            return {
              id: String(n.id),
              name: nameOf(n),
              x: count === 1 ? 0 : Math.cos(a) * 100,
              y: count === 1 ? 0 : Math.sin(a) * 100,
              symbolSize: n.id === chosen ? 26 : 16,
              label: {
                position: pos,
                align: pos === "right" ? "left" : pos === "left" ? "right" : "center",
                formatter: () => lines.join("\n"),
              },
              itemStyle: {
                color:
                  n.circle === null || n.circle === undefined
                    ? "#667382"
                    : PALETTE[Number(n.circle) % PALETTE.length] || "#667382",
                borderColor: reached.has(n.id) || n.id === chosen ? "#d63939" : "#fff",
                borderWidth: reached.has(n.id) || n.id === chosen ? 4 : 1,
              },
            };
          }),
          links: links.map((l) => ({
            source: String(l.source),
            target: String(l.target),
            amount: l.amount_wan === undefined ? null : l.amount_wan,
            lineStyle: { width: 1.5, curveness: 0.15 },
          })),
        },
      ],
    });
  }
  // The financing overview: the amounts per month of sharing, by purpose, by product type and
  // per bank. On a narrow card the legends take two lines under the chart: the grid leaves them
  // room, and the value axes keep few labels so that none runs into another.
  const overview = document.getElementById("finance-overview-data");
  if (overview) {
    const o = JSON.parse(overview.textContent);
    const narrow = (id) => {
      const el = document.getElementById(id);
      return !el || el.clientWidth < 560;
    };
    const valueAxis = (id) => ({ type: "value", splitNumber: narrow(id) ? 2 : 4, axisLabel: { hideOverlap: true } });
    // A category name (a bank, a purpose) wraps on a phone rather than take the bars' width.
    const categoryAxis = (id, data) => ({
      type: "category",
      inverse: true,
      data,
      axisLabel: narrow(id) ? { width: 96, overflow: "break", lineHeight: 18 } : {},
    });
    // Months on a phone: "3月" (the year is the page's), every one shown, slanted past six.
    const zh = (document.documentElement.lang || "zh").startsWith("zh");
    const monthLabel = (id, count) =>
      narrow(id)
        ? {
            interval: 0,
            rotate: count > 6 ? 45 : 0,
            formatter: (v) => (zh ? `${Number(v.slice(5))}月` : v.slice(5)),
          }
        : { hideOverlap: true };
    const legend = { bottom: 0, type: "plain", itemGap: 12 };
    const gridWithLegend = (id) => ({ left: 8, right: 24, top: 16, bottom: narrow(id) ? 64 : 36, containLabel: true });
    draw("month-chart", {
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: asMoney },
      legend,
      grid: gridWithLegend("month-chart"),
      xAxis: {
        type: "category",
        data: o.months.map((m) => m.month),
        axisLabel: monthLabel("month-chart", o.months.length),
      },
      yAxis: valueAxis("month-chart"),
      series: ["requested", "approved", "disbursed"].map((k) => ({
        name: o.labels[k],
        type: "bar",
        data: o.months.map((m) => m[k]),
      })),
    });
    const oneBar = (id, rows) => ({
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: asMoney },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: valueAxis(id),
      yAxis: categoryAxis(id, rows.map((r) => r[0])),
      series: [{ type: "bar", data: rows.map((r) => r[1]) }],
    });
    draw("purpose-chart", oneBar("purpose-chart", o.purposes.map((p) => [p[0], p[2]])));
    draw("type-chart", oneBar("type-chart", o.types));
    const bankEl = document.getElementById("bank-chart");
    if (bankEl) bankEl.style.height = `${Math.max(240, 44 * o.banks.length + 100)}px`;
    draw("bank-chart", {
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: asMoney },
      legend,
      grid: gridWithLegend("bank-chart"),
      xAxis: valueAxis("bank-chart"),
      yAxis: categoryAxis("bank-chart", o.banks.map((b) => b[0])),
      series: [
        { name: o.labels.approved, type: "bar", data: o.banks.map((b) => b[1]) },
        { name: o.labels.disbursed, type: "bar", data: o.banks.map((b) => b[2]) },
      ],
    });
  }
})();
