// The agent's complaint list: mine or all, by status, by deadline state, search by number,
// caller or phone; each row opens the complaint's page.
import { api, countdown, ctx, deadlineBadge, fill, h, startScreen, table, when } from "./office.js";

const state = { page: 1 };

startScreen("complaints", async (main) => {
  const statuses = Object.entries(ctx.labels.statuses);
  const deadlines = Object.entries(ctx.labels.deadlines);
  const form = h("form", { class: "filters", id: "complaint-filters", role: "search" },
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "mine", checked: true }), "只看我受理的"),
    h("label", {}, "状态 ", h("select", { name: "status" }, h("option", { value: "" }, "全部"),
      statuses.map(([code, text]) => h("option", { value: code }, text)))),
    h("label", {}, "时限 ", h("select", { name: "deadline" }, h("option", { value: "" }, "全部"),
      deadlines.map(([code, text]) => h("option", { value: code }, text)))),
    h("label", { class: "grow" }, "查询 ", h("input", { name: "q", type: "search", placeholder: "编号 / 来电人 / 电话 / 地址" })),
    h("button", { type: "submit", class: "primary" }, "查询"));
  const list = h("div", { id: "complaint-list" });
  fill(main, h("section", { class: "card" }, form, list));
  form.addEventListener("submit", (event) => { event.preventDefault(); state.page = 1; load(form, list); });
  form.addEventListener("change", () => { state.page = 1; load(form, list); });
  await load(form, list);
});

async function load(form, list) {
  const query = {
    mine: form.mine.checked ? "true" : undefined,
    status: form.status.value || undefined,
    deadline: form.deadline.value || undefined,
    q: form.q.value.trim() || undefined,
    page: state.page,
    per_page: 20,
  };
  const data = await api("/api/complaints", { query });
  const rows = data.items.map((c) => h("tr", { "data-number": c.number },
    h("td", {}, h("a", { href: `/office/complaints/${c.id}` }, c.number)),
    h("td", {}, when(c.received_at)),
    h("td", {}, c.kind_label),
    h("td", {}, c.caller_name, h("br"), h("span", { class: "muted" }, c.caller_phone)),
    h("td", {}, c.department ? c.department.name : "—"),
    h("td", {}, c.status_label, c.sensitive ? h("span", { class: "badge sensitive" }, "敏感") : null),
    h("td", {}, clockCell(c))));
  fill(list,
    data.total ? table(["编号", "受理时间", "类别", "来电人", "责任部门", "状态", "时限"], rows) : h("p", { class: "muted" }, "没有符合条件的投诉"),
    pager(data, form, list));
}

function clockCell(c) {
  if (!c.next_clock) return h("span", { class: "muted" }, "—");
  return [deadlineBadge(c.deadline), " ", c.next_clock.label, " ", countdown(c.next_clock.due_at)];
}

function pager(data, form, list) {
  const pages = Math.max(1, Math.ceil(data.total / data.per_page));
  const go = (page) => () => { state.page = page; load(form, list); };
  return h("div", { class: "pager" }, `共${data.total}件,第${data.page}/${pages}页 `,
    h("button", { type: "button", disabled: data.page <= 1, onclick: go(data.page - 1) }, "上一页"),
    h("button", { type: "button", disabled: data.page >= pages, onclick: go(data.page + 1) }, "下一页"));
}

