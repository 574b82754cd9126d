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
  function option() {
    const phone = narrow();
    return {
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: (p) =>
          p.data.strength_name
            ? `${p.name}\n${p.data.strength_name} · ${p.data.firms} · ${p.data.output}`
            : `${p.name}\n${p.data.firms} · ${p.data.output}`,
      },
      series: [
        {
          type: "tree",
          data: data,
          orient: phone ? "TB" : "LR",
          top: phone ? 30 : 16,
          bottom: phone ? 90 : 16,
          left: phone ? 16 : 120,
          right: phone ? 16 : 160,
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
