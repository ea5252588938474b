// The weekly bulletin (每周通报, R4.7) for one department or the whole company, any ISO week:
// on screen, printable, and as CSV or XLSX.
import { api, download, errorText, fill, h, openPrintable, startScreen, table, when } from "./office.js";

const SECTIONS = [
  ["justified", "经查属实的投诉"],
  ["breaches", "超出时限"],
  ["dissatisfied", "回访不满意"],
  ["overdue_work_orders", "超期工单"],
];

// The ISO week of a date, as the <input type=week> value "2026-W48".
function isoWeek(date) {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

startScreen("bulletin", async (main) => {
  const departments = await api("/api/desk/departments");
  const params = new URLSearchParams(location.search);
  const form = h("form", { class: "filters", id: "bulletin-filters" },
    h("label", {}, "周次 ", h("input", { type: "week", name: "week", value: params.get("week") || isoWeek(new Date()), required: true })),
    h("label", {}, "部门 ", h("select", { name: "department" }, h("option", { value: "" }, "全公司"),
      departments.map((d) => h("option", { value: d.id }, d.name)))),
    h("button", { type: "submit", class: "primary" }, "查看"),
    h("button", { type: "button", id: "print-bulletin", onclick: () => run(() => openPrintable(path(), { ...query(), format: "html" })) }, "打印"),
    h("button", { type: "button", id: "csv-bulletin", onclick: () => run(() => download(path(), { ...query(), format: "csv" }, `${fileName()}.csv`)) }, "导出CSV"),
    h("button", { type: "button", id: "xlsx-bulletin", onclick: () => run(() => download(path(), { ...query(), format: "xlsx" }, `${fileName()}.xlsx`)) }, "导出Excel"));
  if (params.get("department")) form.department.value = params.get("department");
  const error = h("p", { class: "error", role: "alert" });
  const body = h("div", { id: "bulletin" });
  fill(main, h("section", { class: "card" }, form, error, body));

  const parts = () => form.week.value.split("-W").map(Number);
  const path = () => `/api/complaints/bulletins/${parts()[0]}/${parts()[1]}`;
  const query = () => ({ department_id: form.department.value || undefined });
  const fileName = () => `每周通报-${form.week.value}`;
  async function run(action) {
    error.textContent = "";
    try { await action(); } catch (err) { error.textContent = errorText(err, { week: "周次", department_id: "部门" }); }
  }
  async function load() {
    const data = await api(path(), { query: query() });
    fill(body, h("h2", {}, `${data.year}年第${data.week}周客户投诉通报`),
      h("p", { class: "muted" }, `${day(data.start)} 至 ${day(new Date(new Date(data.end) - 1))}`),
      data.departments.map(section));
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(load); });
  await run(load);
});

const dayFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
});
const day = (moment) => dayFormat.format(new Date(moment));

function section(dept) {
  const counts = SECTIONS.map(([key, title]) => `${title}${dept.counts[key]}项`).join(",");
  return h("article", { class: "bulletin-dept", "data-department": dept.department },
    h("h3", {}, dept.department), h("p", {}, counts),
    SECTIONS.filter(([key]) => dept[key].length).flatMap(([key, title]) => [
      h("h4", {}, title),
      table(["编号", "时间", "类别", "说明"], dept[key].map((item) => h("tr", { "data-number": item.number },
        h("td", {}, item.number), h("td", {}, when(item.at)), h("td", {}, item.label), h("td", {}, item.detail)))),
    ]));
}
