// The general manager's approval inbox: each complaint whose reply waits for a decision, with
// the exact text to be sent, the complaint and its history; approve and sign, or send back.
import { actor, api, fill, h, startScreen, when, word } from "./office.js";
import { renderReply } from "./replies.js";

let listNode, detailNode;

startScreen("approvals", async (main) => {
  listNode = h("div", { id: "approval-list", class: "approval-list" });
  detailNode = h("div", { id: "approval-detail", class: "approval-detail" }, h("p", { class: "muted" }, "请选择左侧待批示的投诉"));
  fill(main, h("div", { class: "approvals" }, h("section", { class: "card" }, h("h3", {}, "待批示"), listNode),
    h("section", { class: "card" }, detailNode)));
  await loadList();
});

async function loadList(selected) {
  const data = await api("/api/complaints", { query: { awaiting_approval: "true", sort: "clock", per_page: 100 } });
  fill(listNode, data.items.length ? data.items.map((c) => h("button", {
    type: "button", class: `approval-item${c.id === selected ? " selected" : ""}`, "data-number": c.number,
    onclick: () => show(c.id),
  }, h("strong", {}, c.number), ` ${c.kind_label}`, h("br"),
  h("span", { class: "muted" }, `${c.department ? c.department.name : ""} · ${c.caller_name}`))) : h("p", { class: "muted" }, "没有待批示的答复"));
}

async function show(id, message = "") {
  const c = await api(`/api/complaints/${id}`);
  const waiting = c.replies.filter((r) => r.status === "submitted");
  const done = async (text) => { await loadList(); await show(id, text); };
  fill(detailNode,
    message ? h("p", { class: "saved", role: "status" }, message) : null,
    h("h3", {}, `投诉 ${c.number} `, h("span", { class: "badge sensitive" }, "敏感"), " ",
      h("a", { href: `/office/complaints/${c.id}` }, "打开投诉页")),
    h("p", {}, `${c.kind_label} · ${c.department ? c.department.name : ""} · 受理 ${when(c.received_at)}`),
    h("p", {}, h("strong", {}, "事情经过:"), c.description),
    h("p", {}, h("strong", {}, "用户要求:"), c.customer_request || "—"),
    h("p", {}, h("strong", {}, "敏感原因:"), c.sensitive_reason || "—"),
    h("h4", {}, waiting.length ? "待发出的答复(原文)" : "答复"),
    (waiting.length ? waiting : c.replies).map((r) => renderReply(c, r, done)),
    h("h4", {}, "经过"),
    h("ol", { class: "timeline" }, c.timeline.map((e) => h("li", {},
      `${when(e.at)} ${word("events", e.kind) || "其他"} · ${actor(e.actor_label, e.actor_name)}`, e.reason ? `:${e.reason}` : ""))));
  listNode.querySelectorAll(".approval-item").forEach((b) => b.classList.toggle("selected", b.dataset.number === c.number));
}
