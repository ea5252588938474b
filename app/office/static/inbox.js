// The department lead's inbox: the department's open complaints, the next clock first;
// sensitive ones say where their reply waits (分管领导, 总经理).
import { api, countdown, deadlineBadge, fill, h, startScreen, table, when } from "./office.js";

startScreen("inbox", async (main) => {
  const form = h("form", { class: "filters", id: "inbox-filters" },
    h("label", {}, "范围 ", h("select", { name: "status" },
      h("option", { value: "in_progress" }, "处理中"),
      h("option", { value: "resolved" }, "已处理待回访"),
      h("option", { value: "closed" }, "已办结"))),
    h("label", { class: "grow" }, "查询 ", h("input", { name: "q", type: "search", placeholder: "编号 / 来电人 / 电话 / 地址" })),
    h("button", { type: "submit", class: "primary" }, "查询"));
  const list = h("div", { id: "inbox-list" });
  fill(main, h("section", { class: "card" }, form, list));
  const load = async () => {
    const data = await api("/api/complaints", {
      query: { my_departments: true, status: form.status.value, q: form.q.value.trim() || undefined, sort: "clock", per_page: 100 },
    });
    const rows = data.items.map((c) => h("tr", { "data-number": c.number, class: `deadline-row-${c.deadline}` },
      h("td", {}, c.next_clock ? [deadlineBadge(c.deadline), h("br"), c.next_clock.label, " ", countdown(c.next_clock.due_at)] : "—"),
      h("td", {}, h("a", { href: `/office/complaints/${c.id}` }, c.number),
        c.sensitive ? h("span", { class: "badge sensitive" }, "敏感") : null),
      h("td", {}, c.kind_label),
      h("td", {}, c.caller_name, " ", h("span", { class: "muted" }, c.caller_phone)),
      h("td", {}, c.description.length > 40 ? `${c.description.slice(0, 40)}…` : c.description),
      h("td", {}, when(c.handed_off_at)),
      h("td", { class: "waiting" }, c.waiting_for || c.status_label)));
    fill(list, data.total
      ? table(["时限", "编号", "类别", "用户", "事情经过", "移交时间", "当前"], rows)
      : h("p", { class: "muted" }, "没有投诉"),
    data.total > data.items.length ? h("p", { class: "muted" }, `仅显示前${data.items.length}件,共${data.total}件`) : null);
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  form.addEventListener("change", load);
  await load();
});
