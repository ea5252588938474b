// One sheet per visit step. Each builds the step, queues it and reports what became of it.
import { send } from "./deliver.js";
import * as geo from "./geo.js";
import * as store from "./store.js";
import { CONTACT_ZH, METHOD_ZH, entryFor } from "./steps.js";
import { $, choice, field, fromLocalInput, h, localInput, sheet } from "./ui.js";

const text = (name, attrs = {}) => h("input", { name, autocomplete: "off", ...attrs });
const area = (name, attrs = {}) => h("textarea", { name, rows: 3, ...attrs });
const select = (name, options, value) => h("select", { name },
  Object.entries(options).map(([v, label]) => h("option", { value: v, selected: v === value }, label)));

// A step with the phone's position when one is at hand (the customer's answers carry none).
export async function step(ctx, action, body = {}, { locate = true, quiet = false } = {}) {
  return send(entryFor(action, ctx.id, locate ? await geo.stamp(body) : body), { quiet });
}

export const accept = (ctx) => step(ctx, "accept");

export function decline(ctx) {
  return sheet("拒单", [
    field("拒单原因 *", area("reason", { required: true, minlength: 2, maxlength: 1000 }),
      "将退回调度重新派单"),
  ], {
    submitLabel: "确认拒单",
    submit: async (form) => {
      await send(entryFor("decline", ctx.id, { reason: form.reason.value.trim() }));
      await forget(ctx.id);
      location.hash = "#/";
    },
  });
}

// A declined order is no longer mine: drop it from what the phone shows offline.
async function forget(orderId) {
  const list = await store.cached("orders");
  const items = list?.items.filter((o) => o.id !== orderId);
  if (list) await store.remember("orders", { ...list, items });
  await store.del("cache", `order:${orderId}`);
}

export function contact(ctx) {
  return sheet("联系客户", [
    ctx.order.caller_phone ? h("a", { class: "big call", href: `tel:${ctx.order.caller_phone}` },
      `📞 拨打 ${ctx.order.caller_name || ""} ${ctx.order.caller_phone}`) : null,
    field("结果 *", choice("outcome", CONTACT_ZH)),
    field("方式", select("method", METHOD_ZH, "phone")),
    field("备注", area("note", { maxlength: 1000 })),
  ], {
    submitLabel: "记录联系",
    submit: (form) => step(ctx, "contact-attempts", {
      outcome: form.outcome.value, method: form.method.value, note: form.note.value }),
  });
}

function windowFields(start, end) {
  return [
    field("开始时间 *", h("input", { type: "datetime-local", name: "start", required: true,
                                    value: localInput(start) })),
    field("结束时间 *", h("input", { type: "datetime-local", name: "end", required: true,
                                    value: localInput(end) })),
  ];
}

function nextHour(hours = 1) {
  const at = new Date();
  at.setMinutes(0, 0, 0);
  return new Date(at.getTime() + hours * 3600000);
}

// The server's suggestion: inside service hours, at the customer's preferred time when known
// (emergencies: now). A suggestion cached while offline may have passed: then the next hour.
function suggested(ctx) {
  const window = ctx.visit.suggested_window;
  if (window && new Date(window.start) > new Date()) return [new Date(window.start), new Date(window.end)];
  return [nextHour(1), nextHour(3)];
}

export function appointment(ctx) {
  return sheet("预约上门时间", [
    h("p", { class: "muted" }, "与客户约定的上门时间段(已按服务时间给出建议,可修改)"),
    ...windowFields(...suggested(ctx)),
    field("备注", area("note", { maxlength: 1000 })),
  ], {
    submitLabel: "保存预约",
    submit: (form) => step(ctx, "appointment", {
      start: fromLocalInput(form.start.value), end: fromLocalInput(form.end.value),
      note: form.note.value }),
  });
}

export function reschedule(ctx) {
  return sheet("改约", [
    h("p", { class: "warn-box" }, "须在原约定时间开始前联系客户并约定新时间;已开始则只能由调度员改约。"),
    ...windowFields(nextHour(24), nextHour(26)),
    field("改约原因 *", area("reason", { required: true, minlength: 2, maxlength: 1000 })),
    field("告知客户方式 *", select("via", METHOD_ZH, "phone")),
    field("告知客户时间 *", h("input", { type: "datetime-local", name: "informed_at",
                                        required: true, value: localInput(new Date()) })),
  ], {
    submitLabel: "确认改约",
    submit: (form) => step(ctx, "reschedule", {
      start: fromLocalInput(form.start.value), end: fromLocalInput(form.end.value),
      reason: form.reason.value.trim(), customer_informed_via: form.via.value,
      customer_informed_at: fromLocalInput(form.informed_at.value) }),
  });
}

export function depart(ctx) {
  return step(ctx, "depart");
}

export function arrive(ctx) {
  const status = h("p", { id: "fix", class: "fix" }, "正在定位…");
  let fix = null;
  const locate = async () => {
    fix = null;
    status.textContent = "正在定位…";
    try {
      fix = await geo.fresh();
      status.textContent = `纬度 ${fix.position.lat.toFixed(5)},经度 ${fix.position.lon.toFixed(5)},`
        + `精度 ±${Math.round(fix.accuracy_m)} 米`;
    } catch (err) {
      status.textContent = err.message;
    }
  };
  locate();
  return sheet("到场", [
    h("p", { class: "muted" }, "到场时间和位置将被记录;距工单位置过远会提示调度员。"),
    status,
    h("button", { type: "button", class: "plain", onclick: locate }, "重新定位"),
  ], {
    submitLabel: "确认到场",
    submit: async () => {
      if (!fix) throw new Error("尚未获得位置,请稍候或重新定位");
      return send(entryFor("arrive", ctx.id,
        { position: fix.position, accuracy_m: fix.accuracy_m }));
    },
  });
}

export function tick(ctx, item) {
  return step(ctx, "checklist", { item }, { quiet: true });
}

export function complete(ctx) {
  const missing = ctx.missing.map((m) => h("li", {}, m));
  return sheet("完工", [
    missing.length ? h("div", { class: "warn-box" }, h("strong", {}, "完工前还缺少:"),
      h("ul", {}, missing)) : h("p", { class: "ok-box" }, "到场与出示工作证件已记录。"),
    field("完工说明", area("note", { maxlength: 1000 })),
  ], {
    submitLabel: "确认完工",
    submit: (form) => step(ctx, "complete", { note: form.note.value }),
  });
}

const STARS = { 5: "5 非常满意", 4: "4 满意", 3: "3 一般", 2: "2 不满意", 1: "1 很不满意" };

export function satisfaction(ctx) {
  const score = (name, label) => field(label, choice(name, STARS));
  return sheet("征求意见书", [
    h("p", { class: "muted" }, `请客户填写:工单 ${ctx.order.number} 的服务评价。`),
    score("overall", "总体满意度 *"), score("timeliness", "及时性 *"),
    score("attitude", "服务态度 *"), score("professionalism", "专业水平 *"),
    field("现场是否清理干净 *", choice("site_clean", { yes: "是", no: "否" })),
    field("意见", area("comments", { maxlength: 2000 })),
    field("建议", area("suggestions", { maxlength: 2000 })),
  ], {
    submitLabel: "提交意见书",
    submit: (form) => step(ctx, "satisfaction", {
      overall: +form.overall.value, timeliness: +form.timeliness.value,
      attitude: +form.attitude.value, professionalism: +form.professionalism.value,
      site_clean: form.site_clean.value === "yes", comments: form.comments.value,
      suggestions: form.suggestions.value }, { locate: false }),
  });
}

export function workRecord(ctx) {
  const visit = ctx.visit.visit || {};
  const meter = visit.meter_replacement || {};
  const parts = h("div", { id: "parts" });
  const addPart = (part = {}) => parts.append(h("div", { class: "part" },
    text("part_name", { placeholder: "配件名称", value: part.name || "", maxlength: 100 }),
    text("part_qty", { type: "number", min: "0.01", step: "any", placeholder: "数量",
                       value: part.quantity ?? "" }),
    text("part_unit", { placeholder: "单位", value: part.unit || "个", maxlength: 10 })));
  (visit.parts || []).forEach(addPart);
  const isMeter = ctx.order.type === "meter_replacement";
  const meterBox = h("fieldset", { id: "meter-fields", hidden: !isMeter },
    h("legend", {}, "换表:新旧表号及读数"),
    field("旧表表号", text("old_meter_number",
      { value: meter.old_meter_number || ctx.order.meter_number || "" })),
    field("旧表止码", text("old_meter_final_reading", { type: "number", step: "any", min: 0,
                                                      value: meter.old_meter_final_reading ?? "" })),
    field("新表表号", text("new_meter_number", { value: meter.new_meter_number || "" })),
    field("新表起码", text("new_meter_initial_reading", { type: "number", step: "any", min: 0,
                                                        value: meter.new_meter_initial_reading ?? "" })));
  return sheet("维修记录", [
    field("维修情况", area("notes", { rows: 4, maxlength: 4000, value: visit.notes || "" })),
    h("h4", {}, "使用配件"), parts,
    h("button", { type: "button", class: "plain", onclick: () => addPart() }, "+ 添加配件"),
    isMeter ? null : h("label", { class: "choice" }, h("input", { type: "checkbox",
      onchange: (e) => { meterBox.hidden = !e.target.checked; } }), h("span", {}, "本次更换了水表")),
    meterBox,
  ], {
    submitLabel: "保存记录",
    submit: (form) => step(ctx, "work-record", workRecordBody(form, meterBox)),
  });
}

function workRecordBody(form, meterBox) {
  const body = { notes: form.notes.value, parts: [] };
  for (const row of form.querySelectorAll(".part")) {
    const [name, qty, unit] = row.querySelectorAll("input");
    if (name.value.trim()) {
      body.parts.push({ name: name.value.trim(), quantity: Number(qty.value) || 1,
                        unit: unit.value.trim() || "个" });
    }
  }
  if (!meterBox.hidden) {
    const value = (name) => $(`[name=${name}]`, meterBox).value.trim();
    const reading = (name) => (value(name) === "" ? undefined : Number(value(name)));
    body.meter_replacement = {
      old_meter_number: value("old_meter_number"),
      old_meter_final_reading: reading("old_meter_final_reading"),
      new_meter_number: value("new_meter_number"),
      new_meter_initial_reading: reading("new_meter_initial_reading"),
    };
  }
  return body;
}
