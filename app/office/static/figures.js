// The management view: figures for a period, team, zone and order type, each with its
// definition; the weekly trend as a chart with its table beside it; every table to XLSX.
import * as echarts from "/static/vendor/echarts/echarts.esm.min.js";
import { api, download, errorText, fill, h, startScreen, table } from "./office.js";

const iso = (d) => d.toISOString().slice(0, 10);
const show = (value) => (value === null || value === undefined || value === "" ? "—" : String(value));
let chart;

startScreen("figures", async (main) => {
  const choices = await api("/api/office/figure-filters");
  const today = new Date();
  const monthAgo = new Date(today.getTime() - 27 * 86400000);
  const options = (list) => [h("option", { value: "" }, "全部"), list.map((x) => h("option", { value: x.id }, x.name))];
  const form = h("form", { class: "filters", id: "figure-filters" },
    h("label", {}, "自 ", h("input", { type: "date", name: "from", value: iso(monthAgo), required: true })),
    h("label", {}, "至 ", h("input", { type: "date", name: "to", value: iso(today), required: true })),
    h("label", {}, "班组/部门 ", h("select", { name: "team_id" }, options(choices.teams))),
    h("label", {}, "片区 ", h("select", { name: "zone_id" }, options(choices.zones))),
    h("label", {}, "工单类型 ", h("select", { name: "type" }, options(choices.types))),
    h("button", { type: "submit", class: "primary" }, "查看"),
    h("button", { type: "button", id: "figures-xlsx" }, "导出Excel"));
  const error = h("p", { class: "error", role: "alert" });
  const body = h("div", { id: "figures" });
  fill(main, h("section", { class: "card" }, form, error), body);
  const query = () => ({
    from: form.from.value, to: form.to.value, team_id: form.team_id.value || undefined,
    zone_id: form.zone_id.value || undefined, type: form.type.value || undefined,
  });
  const labels = { from: "开始日期", to: "结束日期", team_id: "班组", zone_id: "片区", type: "工单类型" };
  const run = async (action) => {
    error.textContent = "";
    try { await action(); } catch (err) { error.textContent = errorText(err, labels); }
  };
  const load = async () => render(body, await api("/api/office/figures", { query: query() }));
  form.addEventListener("submit", (event) => { event.preventDefault(); run(load); });
  form.querySelector("#figures-xlsx").addEventListener("click", () =>
    run(() => download("/api/office/figures", { ...query(), format: "xlsx" }, `管理指标-${form.from.value}-${form.to.value}.xlsx`)));
  await run(load);
});

function render(body, report) {
  const sections = report.sections.map(({ key, title }) => h("section", { class: "card figure-section", "data-section": key },
    h("h3", {}, title),
    h("div", { class: "figure-list" }, report.figures.filter((f) => f.section === key).map((f) =>
      h("div", { class: "figure", "data-figure": `${f.section}.${f.key}` },
        h("div", { class: "figure-label" }, f.label),
        h("div", { class: "figure-value" }, show(f.value), f.value === null ? null : h("small", {}, ` ${f.unit}`)),
        h("p", { class: "definition" }, f.definition))))));
  const tables = Object.fromEntries(report.tables.map((t) => [t.key, t]));
  const chartNode = h("div", { class: "chart", id: "trend-chart", role: "img", "aria-label": "每周趋势图" });
  fill(body,
    h("div", { class: "figure-grid" }, sections),
    h("section", { class: "card trend" }, h("h3", {}, tables.weekly.title),
      h("p", { class: "definition" }, tables.weekly.definition),
      h("div", { class: "trend-body" }, chartNode, tableOf(tables.weekly))),
    ["complaints_by_kind", "technicians", "comments"].map((key) => h("section", { class: "card", "data-table": key },
      h("h3", {}, tables[key].title), h("p", { class: "definition" }, tables[key].definition),
      tables[key].rows.length ? tableOf(tables[key]) : h("p", { class: "muted" }, "无数据"))));
  drawTrend(chartNode, tables.weekly);
}

function tableOf(t) {
  return table(t.headers, t.rows.map((row) => h("tr", {}, row.map((cell) =>
    h("td", { class: typeof cell === "number" ? "num" : null }, show(cell))))));
}

function drawTrend(node, weekly) {
  chart?.dispose();
  chart = echarts.init(node, null, { renderer: "svg" });
  const column = (i) => weekly.rows.map((r) => (r[i] === "" ? null : r[i]));
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 48, top: 30, bottom: 24 },
    xAxis: { type: "category", data: column(0) },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", max: 100, min: 0 }],
    series: [
      { name: weekly.headers[1], type: "bar", data: column(1) },
      { name: weekly.headers[4], type: "bar", data: column(4) },
      { name: weekly.headers[3], type: "line", yAxisIndex: 1, data: column(3) },
    ],
  });
}
