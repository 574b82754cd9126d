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
  function option() {
    const phone = narrow();
    const gap = 14 + 8 + 12; // the symbol's half, the label's distance, a margin
    // At most a quarter of the chart each side: a longer root name breaks onto more lines.
    const rootWidth = Math.min(textWidth(data[0].name), Math.floor(el.clientWidth / 4));
    const leafWidth = Math.min(widest(leaves), Math.floor(el.clientWidth / 4));
    // On a phone the root stands at the top, centred over its label: the label has the width.
    data[0].label = phone
      ? { width: Math.min(textWidth(data[0].name), el.clientWidth - 32), overflow: "break" }
      : { width: rootWidth, overflow: "break", lineHeight: 16 };
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
          orient: phone ? "TB" : "LR",
          top: phone ? 30 : 16,
          bottom: phone ? 90 : 16,
          left: phone ? 16 : rootWidth + gap,
          right: phone ? 16 : leafWidth + gap,
          symbol: "circle",
          symbolSize: 14,
          initialTreeDepth: -1,
          expandAndCollapse: false,
          roam: phone,
          label: phone
            ? { position: "top", rotate: 0, fontSize: 10, width: 60, overflow: "truncate" }
            : { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
          leaves: {
            label: phone
              ? { position: "bottom", rotate: -90, verticalAlign: "middle", align: "left", fontSize: 10 }
              : { position: "right", verticalAlign: "middle", align: "left" },
          },
          lineStyle: { color: "#c8d3e1", width: 1.5 },
          animationDuration: 300,
        },
      ],
    };
  }
  chart.setOption(option());
  chart.on("click", (p) => {
    if (p.data && p.data.value) show(p.data.value);
  });
  window.addEventListener("resize", () => {
    chart.setOption(option(), true);
    chart.resize();
  });
  el.dataset.ready = "1";
})();
