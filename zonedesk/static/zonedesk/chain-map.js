// The chain map: an ECharts tree of the chain's nodes coloured by strength (gap red, weak
// orange, single point yellow, healthy green, outside the target map grey). Tapping a node
// shows its panel (firms, figures, flags), rendered by the server beside the chart; the node
// table below shows the same figures, so the page reads the same without JavaScript.
(function () {
  const source = document.getElementById("chain-tree-data");
  const el = document.getElementById("chain-tree");
  if (!source || !el) return;
  const COLOURS = {
    gap: "#d63939",
    weak: "#f76707",
    single: "#f59f00",
    healthy: "#2fb344",
    outside: "#9ba9be",
    chain: "#206bc4",
  };
  function show(id) {
    document.querySelectorAll(".node-panel").forEach((p) => p.classList.add("d-none"));
    const panel = document.getElementById("panel-" + id);
    if (panel) {
      panel.classList.remove("d-none");
      panel.scrollIntoView({ behavior: "smooth", block: "nearest" });
    }
  }
  // Numbers as the page's table writes them (the `wan` filter): thousands grouped, output with
  // two places (1,838.04); the server sends the output as a decimal string.
  const locale = document.documentElement.lang || undefined;
  function number(value, places) {
    const n = Number(value);
    if (value === null || value === undefined || value === "" || !Number.isFinite(n)) return value;
    return n.toLocaleString(locale, { minimumFractionDigits: places, maximumFractionDigits: places, useGrouping: true });
  }
  function decorate(node) {
    return {
      name: node.name,
      value: node.id,
      strength: node.strength,
      firms: node.firms,
      output: node.output,
      strength_name: node.strength_name,
      itemStyle: { color: COLOURS[node.strength] || "#667382", borderColor: COLOURS[node.strength] || "#667382" },
      label: { color: node.strength === "gap" ? "#d63939" : undefined },
      children: (node.children || []).map(decorate),
    };
  }
  const data = JSON.parse(source.textContent).map(decorate);
  const narrow = () => el.clientWidth < 600;
  if (typeof echarts === "undefined") return;
  const chart = echarts.init(el, null, { renderer: "svg" });
  // The widths of the texts as ECharts draws them (12px, its default sans-serif): on the desktop
  // the root's label stands left of the root and the leaves' right of them, so the series keeps
  // that much room on each side (fixed paddings cut a long chain name at the chart's left edge).
  const pen = document.createElement("canvas").getContext("2d");
  pen.font = "12px sans-serif";
  const textWidth = (text) => Math.ceil(pen.measureText(text || "").width);
  const leaves = [];
  (function walk(node) {
    if (node.children.length) node.children.forEach(walk);
    else leaves.push(node.name);
  })(data[0]);
  const widest = (names) => Math.max(0, ...names.map(textWidth));
  // On a phone the tree runs left to right too, one column per level, every label under its
  // node and wrapped to its column's width (never cut); the chart grows as tall as the labels
  // need so that no two overlap (`fit`). Columns are evenly spaced and a label is centred on
  // its node: half a column is kept free at each side for the first and last column's labels.
  const PHONE_FONT = 11;
  const PHONE_LINE = 16; // a line of 11px text as the browser boxes it: wrapped lines never overlap
  const small = document.createElement("canvas").getContext("2d");
  small.font = `${PHONE_FONT}px sans-serif`;
  let levels = 0;
  (function depth(node, d) {
    levels = Math.max(levels, d + 1);
    node.children.forEach((c) => depth(c, d + 1));
  })(data[0], 0);
  const column = () => Math.floor(el.clientWidth / Math.max(levels, 1));
  const labelWidth = () => Math.max(column() - 8, 24);
  function lines(name) {
    // ECharts breaks the text anywhere ("breakAll") at the label's width: a character or two
    // more may go to the next line than the measured width says, hence the spare line.
    return Math.ceil(Math.ceil(small.measureText(name || "").width) / labelWidth()) + 1;
  }
  const phoneLabel = () => ({
    position: "bottom",
    distance: 4,
    rotate: 0,
    align: "center",
    verticalAlign: "top",
    fontSize: PHONE_FONT,
    lineHeight: PHONE_LINE,
    width: labelWidth(),
    overflow: "breakAll",
    backgroundColor: "rgba(255, 255, 255, 0.85)", // the links pass under a label, not through it
  });
  function option() {
    const phone = narrow();
    const gap = 14 + 8 + 12; // the symbol's half, the label's distance, a margin
    // At most a quarter of the chart each side: a longer root name breaks onto more lines.
    const rootWidth = Math.min(textWidth(data[0].name), Math.floor(el.clientWidth / 4));
    const leafWidth = Math.min(widest(leaves), Math.floor(el.clientWidth / 4));
    data[0].label = phone ? phoneLabel() : { width: rootWidth, overflow: "break", lineHeight: 16 };
    return {
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: (p) =>
          p.data.strength_name
            ? `${p.name}\n${p.data.strength_name} · ${number(p.data.firms, 0)} · ${number(p.data.output, 2)}`
            : `${p.name}\n${number(p.data.firms, 0)} · ${number(p.data.output, 2)}`,
      },
      series: [
        {
          type: "tree",
          data: data,
          orient: "LR",
          top: phone ? 12 : 16,
          bottom: phone ? 12 + PHONE_LINE * Math.max(...names.map(lines)) : 16,
          left: phone ? Math.ceil(column() / 2) : rootWidth + gap,
          right: phone ? Math.ceil(column() / 2) : leafWidth + gap,
          symbol: "circle",
          symbolSize: 14,
          initialTreeDepth: -1,
          expandAndCollapse: false,
          roam: false,
          label: phone
            ? phoneLabel()
            : { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
          leaves: {
            label: phone ? phoneLabel() : { position: "right", verticalAlign: "middle", align: "left" },
          },
          lineStyle: { color: "#c8d3e1", width: 1.5 },
          animationDuration: 300,
        },
      ],
    };
  }
  const names = [];
  (function collect(node) {
    names.push(node.name);
    node.children.forEach(collect);
  })(data[0]);
  const tall = el.clientHeight;
  function fit() {
    // A phone's tree as tall as its labels need: the closest two nodes of one column at least
    // the tallest label (and the symbol) apart. The layout scales with the height, so one
    // measure of the drawn layout gives the height.
    if (!narrow()) {
      if (el.style.height) {
        el.style.height = "";
        chart.resize();
      }
      return;
    }
    const series = chart.getModel().getSeriesByIndex(0);
    const items = series.getData();
    const byColumn = new Map();
    for (let i = 0; i < items.count(); i++) {
      const at = items.getItemLayout(i);
      if (!at) continue;
      const x = Math.round(at.x);
      if (!byColumn.has(x)) byColumn.set(x, []);
      byColumn.get(x).push(at.y);
    }
    let closest = Infinity;
    byColumn.forEach((ys) => {
      ys.sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) closest = Math.min(closest, ys[i] - ys[i - 1]);
    });
    const need = 14 + 4 + PHONE_LINE * Math.max(...names.map(lines)) + 6;
    const frame = 24 + PHONE_LINE * Math.max(...names.map(lines));
    const inner = el.clientHeight - frame;
    let height = tall;
    if (Number.isFinite(closest) && closest > 0) height = Math.ceil((inner * need) / closest) + frame;
    height = Math.max(height, tall);
    if (Math.abs(height - el.clientHeight) > 1) {
      el.style.height = `${height}px`;
      chart.resize();
    }
  }
  chart.setOption(option());
  fit();
  chart.on("click", (p) => {
    if (p.data && p.data.value) show(p.data.value);
  });
  window.addEventListener("resize", () => {
    chart.setOption(option(), true);
    chart.resize();
    fit();
  });
  el.dataset.ready = "1";
})();
