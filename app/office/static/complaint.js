// One complaint's page for every role that owns a step: the facts, clocks counting down, and
// the actions of the roles the person holds (the API refuses the others as well).
import {
  $, actionForm, actor, api, countdown, ctx, deadlineBadge, download, fill, h, has, openPrintable,
  leads, startScreen, upload, when, word,
} from "./office.js";
import { renderReply } from "./replies.js";

const id = Number(document.body.dataset.complaintId);
let main;

startScreen("complaint", async (node) => {
  main = node;
  await reload();
});

export async function reload(message = "") {
  const c = await api(`/api/complaints/${id}`);
  document.title = `投诉 ${c.number}`;
  const extra = await extras(c);
  fill(main, h("div", { class: "complaint-page" },
    h("div", { class: "col" }, facts(c), clocks(c), repliesCard(c)),
    h("div", { class: "col" },
      message ? h("p", { class: "saved", role: "status" }, message) : null,
      actions(c, extra), contacts(c), followUps(c), documentsCard(c), timeline(c))));
}

async function extras(c) {
  const out = {};
  if (has("hotline_agent") && c.status === "pending_handoff") out.departments = await api("/api/desk/departments");
  if (has("hotline_agent", "department_lead") && !c.work_order && c.status !== "closed") {
    out.types = await api("/api/desk/order-types");
  }
  return out;
}

const row = (label, ...value) => h("tr", {}, h("th", {}, label), h("td", {}, ...value));
const yesNo = (v) => (v === true ? "是" : v === false ? "否" : "未判断");

function facts(c) {
  return h("section", { class: "card", id: "facts" },
    h("h3", {}, `投诉 ${c.number} `, h("span", { class: "badge" }, c.status_label),
      c.sensitive ? h("span", { class: "badge sensitive" }, "敏感") : null),
    c.waiting_for ? h("p", { class: "warn-box", id: "waiting-for" }, `当前:${c.waiting_for}`) : null,
    h("table", { class: "facts" },
      row("类别", c.kind_label, " · ", word("channels", c.channel)),
      row("受理时间", when(c.received_at)),
      row("来电人", c.caller_name, " ", c.caller_phone),
      row("地址", c.address || "—"),
      row("事情经过", c.description),
      row("用户要求", c.customer_request || "—"),
      row("理由充分", yesNo(c.justified)),
      row("解释与安抚", c.explanation || "—"),
      c.sensitive ? row("敏感原因", c.sensitive_reason || "—") : null,
      row("责任部门", c.department ? c.department.name : "—"),
      c.handoff_rule ? row("移交规则", c.handoff_rule) : null,
      c.handed_off_at ? row("移交时间", when(c.handed_off_at)) : null,
      c.accepted ? row("部门签收", `${actor(c.accepted.by, c.accepted.name)} ${when(c.accepted.at)}`) : null,
      c.extension_reason ? row("延期原因", c.extension_reason) : null,
      c.resolution ? row("处理结果", c.resolution) : null,
      c.work_order ? row("关联工单", c.work_order.number) : null),
    h("button", { type: "button", id: "print-record", onclick: () => openPrintable(`/api/complaints/${id}/record`) },
      "打印用户投诉记录表"));
}

function clocks(c) {
  const rows = c.clocks.map((k) => h("tr", { "data-clock": k.kind },
    h("td", {}, k.label),
    h("td", {}, when(k.due_at)),
    h("td", {}, k.stopped_at
      ? h("span", { class: `badge deadline-${k.stage === "breached" ? "breached" : "met"}` },
        k.stage === "breached" ? "已超时完成" : "按时完成")
      : [deadlineBadge(k.stage), " ", countdown(k.due_at)])));
  return h("section", { class: "card", id: "clocks" }, h("h3", {}, "时限"),
    rows.length ? h("table", { class: "grid" }, h("tbody", {}, rows)) : h("p", { class: "muted" }, "无计时"));
}

function repliesCard(c) {
  return h("section", { class: "card", id: "replies" }, h("h3", {}, "答复"),
    c.replies.length ? c.replies.map((r) => renderReply(c, r, (text) => reload(text))) : h("p", { class: "muted" }, "尚无答复"));
}

function actions(c, extra) {
  const forms = [];
  const post = (path, body, message) => async () => {
    await api(`/api/complaints/${id}/${path}`, { method: "POST", body });
    await reload(message);
  };
  const open = c.status !== "closed";
  if (has("hotline_agent") && c.status === "pending_handoff") {
    forms.push(actionForm({
      id: "handoff-form", title: "移交责任部门(附用户投诉记录表)", submit: "移交",
      fields: [
        { name: "department_id", label: "责任部门", type: "select", number: true,
          options: extra.departments.map((d) => [d.id, d.name]) },
        { name: "note", label: "移交说明", type: "textarea", rows: 2 },
      ],
      onSubmit: (v) => post("handoff", v, "已移交")(),
    }));
    const select = forms.at(-1).elements.department_id;
    if (c.department) select.value = c.department.id;
  }
  if (leads(c) && c.status === "in_progress" && !c.accepted) {
    forms.push(h("div", { class: "action-form" }, h("h4", {}, "签收"),
      h("button", { type: "button", class: "primary", id: "accept", onclick: post("accept", undefined, "已签收") }, "签收此投诉")));
  }
  if (c.status === "in_progress" && callsCustomer(c)) {
    forms.push(actionForm({
      id: "contact-form", title: "联系用户(进度告知)", submit: "记录",
      fields: [
        { name: "kind", label: "方式", type: "select", options: Object.entries(ctx.labels.contacts)
          .sort(([a], [b]) => (a === "progress_call" ? -1 : b === "progress_call" ? 1 : 0)) },
        { name: "summary", label: "内容", type: "textarea", rows: 2, required: true },
      ],
      onSubmit: (v) => post("contacts", v, "已记录联系")(),
    }));
  }
  if (leads(c) && c.status === "in_progress") {
    if (!c.extension_reason && c.clocks.some((k) => k.kind === "resolution" && !k.stopped_at)) {
      forms.push(actionForm({
        id: "extension-form", title: "特殊情况延长至48小时", submit: "申请延期",
        fields: [{ name: "reason", label: "原因", type: "textarea", rows: 2, required: true }],
        onSubmit: (v) => post("extension", v, "已延长至48小时")(),
      }));
    }
    forms.push(actionForm({
      id: "draft-form", title: c.sensitive ? "起草答复(须经总经理批示)" : "起草答复", submit: "保存草稿",
      fields: [{ name: "body", label: "答复内容", type: "textarea", rows: 4, required: true }],
      onSubmit: (v) => post("replies", v, "答复草稿已保存")(),
    }));
    forms.push(actionForm({
      id: "resolution-form", title: "处理结果", submit: "处理完毕",
      fields: [
        { name: "resolution", label: "处理结果", type: "textarea", rows: 2, required: true },
        { name: "justified", label: "经查", type: "select", options: [["", "维持受理时判断"], ["true", "属实"], ["false", "不属实"]] },
      ],
      onSubmit: (v) => post("resolution", { ...v, justified: v.justified === undefined ? undefined : v.justified === "true" }, "已处理,待回访")(),
    }));
  }
  if (has("hotline_agent", "department_lead") && c.status === "resolved") {
    forms.push(actionForm({
      id: "follow-up-form", title: "回访", submit: "记录回访",
      fields: [
        { name: "satisfied", label: "用户评价", type: "select", options: [["true", "满意"], ["false", "不满意"]] },
        { name: "feedback", label: "用户反馈", type: "textarea", rows: 2, required: true },
        { name: "final_result", label: "最终结果", type: "textarea", rows: 2, required: true },
        { name: "summary", label: "总结", type: "textarea", rows: 2, required: true },
        { name: "reopen", label: "不满意,重新处理", type: "checkbox" },
      ],
      onSubmit: (v) => post("follow-up", { ...v, satisfied: v.satisfied === "true" }, "已回访")(),
    }));
  }
  if (has("hotline_agent", "department_lead", "general_manager") && open && !c.sensitive) {
    forms.push(actionForm({
      id: "sensitive-form", title: "标为敏感投诉", submit: "标为敏感",
      fields: [{ name: "reason", label: "原因", type: "text", required: true }],
      onSubmit: (v) => post("sensitive", v, "已标为敏感投诉")(),
    }));
  }
  if (extra.types) {
    forms.push(actionForm({
      id: "work-order-form", title: "开立工单", submit: "开立工单",
      fields: [
        { name: "type", label: "工单类型", type: "select", options: extra.types.map((t) => [t.code, t.name_zh]) },
        { name: "description", label: "说明", type: "textarea", rows: 2 },
      ],
      onSubmit: (v) => post("work-order", v, "已开立工单")(),
    }));
  }
  if (has("hotline_agent", "department_lead", "general_manager") && open) {
    forms.push(actionForm({
      id: "attach-form", title: "上传材料(照片、文件、录音)", submit: "上传",
      fields: [
        { name: "file", label: "文件", type: "file", required: true, accept: "image/jpeg,image/png,application/pdf,audio/mpeg,audio/wav" },
        { name: "title", label: "标题", type: "text" },
      ],
      onSubmit: async (v) => {
        const data = new FormData();
        data.append("file", v.file);
        if (v.title) data.append("title", v.title);
        await upload(`/api/complaints/${id}/documents`, data);
        await reload("已归档");
      },
    }));
  }
  return h("section", { class: "card", id: "actions" }, h("h3", {}, "办理"),
    forms.length ? forms : h("p", { class: "muted" }, "您的角色在此阶段无需办理"));
}

// Who phones the customer (R4.4): the department's lead, and the agent who took the complaint.
function callsCustomer(c) {
  return leads(c) || (has("hotline_agent") && c.received_by_id === ctx.user.id);
}

function contacts(c) {
  if (!c.contacts.length) return null;
  return h("section", { class: "card", id: "contacts" }, h("h3", {}, "联系记录"),
    h("ul", { class: "plain" }, c.contacts.map((x) => h("li", { "data-contact": x.id },
      `${when(x.contacted_at)} ${word("contacts", x.kind)} · ${actor(x.by, x.by_name)}:${x.summary}`))));
}

function followUps(c) {
  const done = c.follow_ups.filter((f) => f.done_at);
  if (!done.length) return null;
  return h("section", { class: "card", id: "follow-ups" }, h("h3", {}, "回访记录"),
    done.map((f) => h("p", {}, `${when(f.done_at)} ${f.satisfied ? "满意" : "不满意"}:${f.final_result}(${f.summary})`)));
}

function documentsCard(c) {
  if (!c.documents.length) return null;
  return h("section", { class: "card", id: "documents" }, h("h3", {}, "归档材料"),
    h("ul", { class: "plain" }, c.documents.map((d) => h("li", {},
      h("button", { type: "button", class: "link", onclick: () => download(`/api/complaints/${id}/documents/${d.id}`, {}, d.filename) }, d.title),
      ` ${when(d.created_at)}`))));
}

function timeline(c) {
  return h("section", { class: "card", id: "timeline" }, h("h3", {}, "经过"),
    h("ol", { class: "timeline" }, c.timeline.map((e) => h("li", {},
      `${when(e.at)} ${word("events", e.kind) || "其他"} · ${actor(e.actor_label, e.actor_name)}`, e.reason ? `:${e.reason}` : ""))));
}

export { $ };
