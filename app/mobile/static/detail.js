// One order: what the server last said (cached for offline reading) with the steps still
// waiting in the outbox laid over it, the step buttons its status allows, and the timeline.
import { Offline, api } from "./api.js";
import * as evidence from "./evidence.js";
import * as forms from "./forms.js";
import * as outbox from "./outbox.js";
import * as qr from "./qr.js";
import * as steps from "./steps.js";
import * as store from "./store.js";
import { photoThumb, timeline } from "./history.js";
import { navigationLink } from "./nav.js";
import { $, drawKey, errorText, fmtTime, h, paint, toast } from "./ui.js";

let generation = 0;

async function load(id) {
  const [order, visit, damage] = await Promise.all([
    api(`/api/workorders/${id}`), api(`/api/workorders/${id}/visit`),
    api(`/api/workorders/${id}/meter-damage`),
  ]);
  return { order, visit, damage, fetched_at: new Date().toISOString() };
}

export async function showOrder(id, { fetch = true } = {}) {
  const mine = ++generation;
  const current = () => mine === generation && location.hash === `#/order/${id}`;
  const cached = await store.cached(`order:${id}`);
  if (cached && current()) await draw(id, cached, current);
  else if (current()) $("#view").replaceChildren(h("p", { class: "empty" }, "加载中…"));
  if (!fetch) return;
  try {
    const fresh = await load(id);
    await store.remember(`order:${id}`, fresh);
    if (current()) await draw(id, fresh, current);
  } catch (err) {
    if (!current()) return;
    if (err instanceof Offline) {
      if (!cached) $("#view").replaceChildren(h("p", { class: "empty" }, "离线中,此工单尚未缓存。"));
    } else if (err.status === 404) {
      await store.del("cache", `order:${id}`);
      $("#view").replaceChildren(h("p", { class: "empty" }, "此工单已不再分配给您。"));
    } else {
      toast(errorText(err), "error");
    }
  }
}

function context(id, data, pending) {
  const { order, visit } = data;
  const status = steps.predictedStatus(order.status, pending);
  const queued = (action) => pending.filter((e) => e.action === action);
  const ticked = new Set(queued("checklist").map((e) => e.body.item));
  const missing = (visit.completion_missing || []).filter((m) =>
    !(m === "arrival" && queued("arrive").length) && !(m === "id_shown" && ticked.has("id_shown"))
    && !(m === "meter_replacement" && queued("work-record").some((e) => e.body.meter_replacement)));
  return {
    id, order, visit, damage: data.damage || [], pending, status, ticked,
    missing: missing.map((m) => steps.MISSING_ZH[m] || "其他必填记录"),
    surveyed: visit.satisfaction_submitted || queued("satisfaction").length > 0,
    reload: () => showOrder(id),
  };
}

async function draw(id, data, current) {
  const pending = (await outbox.pending()).filter((e) => e.order_id === id);
  if (!current()) return; // a newer drawing has started meanwhile
  const { order, visit, damage } = data;
  paint(drawKey("order", id, order, visit, damage, pending), () => {
    const ctx = context(id, data, pending);
    // What to do now comes first: at the door, the checklist, then what completion still needs,
    // then the step buttons; records and the timeline below. (replaceChildren would print a
    // null part as the text "null", so absent parts are dropped.)
    const parts = [summary(ctx), checklist(ctx), completion(ctx), actions(ctx), damages(ctx),
      photos(ctx), timeline(ctx), h("p", { class: "muted small" }, "数据更新于 ",
        h("span", { id: "fetched-at" }))];
    return parts.filter(Boolean);
  });
  $("#fetched-at").textContent = fmtTime(data.fetched_at); // the same data, read again: only the time
}

function summary({ order, status, pending }) {
  const phone = order.caller_phone;
  return h("section", { class: "card order-head" },
    h("div", { class: "line" }, h("strong", { class: "number" }, order.number),
      h("span", { id: "order-status", class: `status s-${status}` }, steps.STATUS_ZH[status]
        + (status !== order.status ? "(待同步)" : ""))),
    h("div", { class: "line" }, h("span", {}, order.type_name),
      order.priority >= 2 ? h("span", { class: "badge urgent" }, "紧急抢修") : null,
      order.limited_mobility ? h("span", { class: "badge care" }, "行动不便,预约上门") : null,
      steps.SLA_ZH[order.sla_state]
        ? h("span", { class: `badge sla-${order.sla_state}` }, steps.SLA_ZH[order.sla_state]) : null),
    h("p", { class: "address" }, order.address),
    navigation(order),
    h("p", {}, "客户:", order.caller_name || order.customer?.name || "未登记姓名", " ",
      phone ? h("a", { href: `tel:${phone}` }, phone) : null),
    order.appointment_start ? h("p", {}, "预约:", `${fmtTime(order.appointment_start)} – `
      + `${fmtTime(order.appointment_end)}`) : null,
    h("p", {}, "时限:", fmtTime(order.deadline_at)),
    order.meter_number ? h("p", {}, "表号:", order.meter_number) : null,
    order.description ? h("p", { class: "muted" }, order.description) : null,
    pending.length ? h("p", { class: "pending-note" }, `本单有 ${pending.length} 个步骤待发送`) : null);
}

function navigation(order) {
  if (!order.location) return null;
  const { href, name } = navigationLink(steps.NAVIGATION.app, order.location, order.address);
  return h("a", { class: "nav-link", id: "navigate", href, target: "_blank", rel: "noopener" },
    `用${name}导航到这里 ›`);
}

const BUTTONS = {
  accept: ["接单", forms.accept, true],
  decline: ["拒单", forms.decline],
  contact: ["联系客户", forms.contact],
  appointment: ["预约上门时间", forms.appointment],
  reschedule: ["改约", forms.reschedule],
  depart: ["出发", forms.depart, true],
  arrive: ["到场", forms.arrive, true],
  "id-check": ["出示身份核验二维码", qr.idCheck],
  photo: ["拍照", evidence.photo],
  "work-record": ["维修记录", forms.workRecord],
  "meter-damage": ["表具损坏 · 客户签字", evidence.meterDamage],
  violation: ["违约用水 / 窃水", evidence.violation],
  complete: ["完工", forms.complete, true],
  satisfaction: ["征求意见书(本机填写)", forms.satisfaction, true],
  "survey-link": ["征求意见书二维码(客户手机)", qr.surveyLink],
};

const BY_STATUS = {
  assigned: ["accept", "decline"],
  accepted: ["contact", "appointment", "depart"],
  scheduled: ["contact", "reschedule", "depart"],
  en_route: ["arrive", "id-check", "contact", "violation"],
  on_site: ["id-check", "photo", "work-record", "meter-damage", "violation", "complete"],
  completed: ["satisfaction", "survey-link"],
  closed: ["satisfaction", "survey-link"],
};

function actions(ctx) {
  let names = BY_STATUS[ctx.status] || [];
  if (ctx.surveyed) names = names.filter((n) => n !== "satisfaction" && n !== "survey-link");
  const buttons = names.map((name) => {
    const [label, run, primary] = BUTTONS[name];
    return h("button", { type: "button", class: `big step${primary ? " primary" : ""}`,
                         dataset: { step: name }, onclick: () => guard(run, ctx) }, label);
  });
  if (ctx.surveyed) buttons.push(h("p", { class: "ok-box" }, "✓ 征求意见书已填写"));
  return h("section", { class: "actions" }, buttons);
}

async function guard(run, ctx, ...args) {
  try {
    await run(ctx, ...args);
  } catch (err) {
    toast(errorText(err), "error");
  }
}

function checklist(ctx) {
  if (ctx.status !== "on_site" && ctx.status !== "completed") return null;
  const items = (ctx.visit.checklist || []).map(({ item, label, done_at: doneAt }) => {
    const queued = ctx.ticked.has(item);
    const done = doneAt || queued;
    return h("button", { type: "button", class: `check${done ? " done" : ""}`,
      dataset: { item }, disabled: done || ctx.status !== "on_site",
      onclick: () => guard(forms.tick, ctx, item) },
    h("span", { class: "mark" }, done ? "✓" : "○"), h("span", {}, steps.CHECKLIST_ZH[item] || label),
    h("small", {}, doneAt ? fmtTime(doneAt) : queued ? "待发送" : ""));
  });
  const left = (ctx.visit.checklist || []).filter((c) => !c.done_at && !ctx.ticked.has(c.item)).length;
  return h("section", { class: "card", id: "door-checklist" },
    h("h3", {}, left && ctx.status === "on_site" ? `上门服务规范(还有 ${left} 项)` : "上门服务规范"),
    h("div", { class: "checks" }, items));
}

function completion(ctx) {
  if (ctx.status !== "on_site" || !ctx.missing.length) return null;
  return h("section", { class: "warn-box", id: "missing" }, "完工前还缺少:", ctx.missing.join("、"));
}

let localUrls = [];

function photos(ctx) {
  localUrls.forEach((url) => URL.revokeObjectURL(url)); // the last drawing's queued photos
  localUrls = ctx.pending.filter((e) => e.action === "photo").map((e) => URL.createObjectURL(e.file));
  const server = (ctx.visit.photos || []).map((p) => photoThumb(p.url, p.caption));
  const queued = localUrls.map((url) => photoThumb(url, "待发送", true));
  if (!server.length && !queued.length) return null;
  return h("section", { class: "card" }, h("h3", {}, "照片"), h("div", { class: "thumbs" }, server, queued));
}

function damages(ctx) {
  const signedRefs = new Set(ctx.pending.filter((e) => e.action === "sign")
    .map((e) => JSON.stringify(e.body.damage_record_id)));
  const rows = ctx.damage.map((r) => damageRow(ctx, r, r.id,
    r.signature_id ? "✓ 客户已签字" : signedRefs.has(String(r.id)) ? "签字待发送" : null));
  for (const e of ctx.pending.filter((p) => p.action === "meter-damage")) {
    const key = JSON.stringify(steps.ref(e.seq));
    rows.push(damageRow(ctx, e.body, steps.ref(e.seq), signedRefs.has(key) ? "记录和签字待发送" : "记录待发送"));
  }
  if (!rows.length) return null;
  return h("section", { class: "card" }, h("h3", {}, "表具损坏记录"), rows);
}

function damageRow(ctx, record, id, state) {
  const canSign = !state?.startsWith("✓") && !state?.includes("签字待发送") && ctx.status === "on_site";
  return h("div", { class: "damage" },
    h("div", {}, `表号 ${record.meter_number}:${record.damaged_parts.join("、")}`),
    h("div", { class: "muted" }, `原因:${record.cause}`),
    state ? h("div", { class: "state" }, state) : null,
    canSign ? h("button", { type: "button", class: "big", dataset: { step: "sign" },
      onclick: () => guard(evidence.sign, ctx, id, record) }, "客户签字") : null,
    record.signature_id ? h("button", { type: "button", class: "big", dataset: { step: "receipt" },
      onclick: () => guard(qr.receipt, ctx, record.signature_id) }, "交给客户签字回执") : null);
}

