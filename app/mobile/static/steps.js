// What each visit step is on the wire, and what it does to the order while it waits to be
// sent: the phone shows the status the queued steps will lead to (the server stays the judge).
export const STATUS_ZH = {
  new: "待派单", assigned: "待接单", accepted: "已接单", scheduled: "已预约", en_route: "在途",
  on_site: "已到场", completed: "已完工", closed: "已关闭", cancelled: "已取消",
};

export const STEP_ZH = {
  accept: "接单", decline: "拒单", "contact-attempts": "联系客户", appointment: "预约上门时间",
  reschedule: "改约", depart: "出发", arrive: "到场", checklist: "上门规范", "work-record": "维修记录",
  photo: "照片", violations: "违约用水/窃水报告", "meter-damage": "表具损坏记录", sign: "客户签字",
  complete: "完工", satisfaction: "征求意见书",
};

// Steps that move the order; the same table as the server's state machine, for these steps.
const MOVES = {
  accept: { assigned: "accepted" },
  appointment: { accepted: "scheduled" },
  reschedule: { scheduled: "scheduled" },
  depart: { accepted: "en_route", scheduled: "en_route" },
  arrive: { en_route: "on_site" },
  complete: { on_site: "completed" },
  decline: { assigned: "new" },
};

export function predictedStatus(status, entries) {
  return entries.reduce((current, e) => MOVES[e.action]?.[current] || current, status);
}

// Every step goes through POST /api/sync (accept and decline too: sync runs dispatch's
// services); only photos, being multipart uploads, are sent one by one.
export function entryFor(action, orderId, body = {}) {
  const deviceTime = body.device_time || new Date().toISOString();
  return {
    action, order_id: orderId, device_time: deviceTime, label: STEP_ZH[action] || action,
    body: { ...body, device_time: deviceTime }, method: action === "work-record" ? "PUT" : "POST",
    kind: "step",
    path: action === "sign" ? "/api/signatures" : `/api/workorders/${orderId}/${action}`,
  };
}

export function photoEntry(orderId, file, { purpose = "work", caption = "" } = {}) {
  const deviceTime = new Date().toISOString();
  return {
    action: "photo", kind: "photo", order_id: orderId, device_time: deviceTime,
    label: STEP_ZH.photo, method: "POST", path: `/api/workorders/${orderId}/photos`,
    file, filename: file.name || "photo.jpg", body: { purpose, caption, device_time: deviceTime },
  };
}

// A later step's field that takes the id an earlier queued step will get from the server.
export const ref = (seq, field = "id") => ({ $ref: seq, field });

export const EVENT_ZH = {
  created: "受理建单", assign: "派单", reassign: "改派", unassign: "退回待派", accept: "接单",
  decline: "拒单", schedule: "预约上门时间", reschedule: "改约", depart: "出发", arrive: "到场",
  complete: "完工", close: "关闭", cancel: "取消", contact_attempt: "联系客户",
  work_record: "维修记录", photo_added: "上传照片", violation_reported: "违约用水/窃水报告",
  meter_damage_recorded: "表具损坏记录", customer_signed: "客户签字确认",
  customer_verified_id: "客户已核验工作人员身份", satisfaction_submitted: "征求意见书已提交",
  escalated: "升级提醒", planned: "排入日计划", unrouted: "未能定位片区",
  complaint_linked: "关联投诉", customer_notice_required: "需告知客户",
};

export const CHECKLIST_ZH = {
  uniform: "统一着装", id_shown: "出示有效工作证件", purpose_stated: "说明目的和所需时间",
  consent_to_enter: "按门铃并征得同意后入内", shoe_covers: "穿戴鞋套", site_cleaned: "清理工作现场",
  thanked: "向客户致谢",
};

export function eventLabel(kind) {
  if (kind.startsWith("checklist:")) return `上门规范:${CHECKLIST_ZH[kind.slice(10)] || kind}`;
  return EVENT_ZH[kind] || kind;
}

export const CONTACT_ZH = { called: "已致电", no_answer: "未接通", agreed: "已约定时间" };
export const METHOD_ZH = { phone: "电话", sms: "短信", wechat: "微信", in_person: "当面" };
export const RELATION_ZH = { owner: "户主", tenant: "租户", family: "家属", other: "其他" };
export const PURPOSE_ZH = { work: "维修", damage: "表具损坏", violation: "违约/窃水" };
