// What the desk and console show when the API refuses input: one Chinese sentence per field,
// naming the field as the page labels it and saying what to do. This is the one place where
// API field names meet page labels: a field's label is read from its form's own <label>; the
// fields that have no input of their own are named here.
const FIELD_LABELS = {
  location: "位置(请在地图上点选)", lat: "纬度", lon: "经度", account_no: "户号",
  type: "工单类型", technician_id: "维修工", reason: "原因", override_reason: "改派理由",
  date: "日期", team_id: "班组", order_id: "工单", stops: "计划站点", start: "开始时间",
  end: "结束时间", missing: "容缺材料", commitment: "承诺与证明", business: "业务",
  applicant_kind: "申请人类别", department_id: "移交责任部门", roles: "角色",
};

const CJK = /[\u4e00-\u9fff]/;
const GENERIC = new Set(["输入有误", "请求格式错误"]);

// The server writes "中文 / English" (or the other way round): people read the Chinese.
export function chinese(text) {
  const parts = String(text).split(" / ");
  return (parts.find((p) => CJK.test(p)) || "").trim();
}

const RULES = [
  [/^(Missing data for required field|Field may not be null)/i, (l) => `请填写「${l}」。`],
  [/^Length must be between (\d+) and (\d+)/i, (l, a, b) => `「${l}」须为 ${a} 到 ${b} 个字,请补充或删减。`],
  [/^Shorter than minimum length (\d+)/i, (l, a) => `「${l}」至少要写 ${a} 个字,请补充。`],
  [/^Longer than maximum length (\d+)/i, (l, a) => `「${l}」最多 ${a} 个字,请删减。`],
  [/^Must be one of/i, (l) => `请从列表中选择「${l}」。`],
  [/^Not a valid (integer|number)/i, (l) => `「${l}」须填数字。`],
  [/^Not a valid (date|datetime|time)/i, (l) => `「${l}」的日期时间不对,请重新选择。`],
  [/^Must be (greater|less) than/i, (l) => `「${l}」超出了允许的范围,请检查。`],
  [/^Unknown field/i, () => "页面版本已过期,请刷新页面后再试。"],
];

// `form` is the page's <form> (labels read from it) or a plain { field: label } map.
function labelOf(field, form) {
  if (form && !(form instanceof Element)) return form[field] || FIELD_LABELS[field] || "此项";
  const input = form?.querySelector(`[name="${field}"]`);
  const label = input?.closest("label");
  const text = label && [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent).join("").trim();
  return text || FIELD_LABELS[field] || "此项";
}

function sentence(label, message) {
  const said = chinese(message);
  if (said === "必填") return `请填写「${label}」。`;
  if (said) return `「${label}」:${said.replace(/[。.]$/, "")}。`;
  for (const [pattern, say] of RULES) {
    const match = String(message).match(pattern);
    if (match) return say(label, ...match.slice(1));
  }
  return `「${label}」填写有误,请检查。`;
}

function flatten(errors, form, parent) {
  return Object.entries(errors || {}).flatMap(([field, value]) => {
    const label = parent || labelOf(field, form);
    if (Array.isArray(value)) {
      return value.flatMap((m) => (typeof m === "string" ? [sentence(label, m)] : flatten(m, form, label)));
    }
    if (value && typeof value === "object") return flatten(value, form, /^\d+$/.test(field) ? label : label);
    return [sentence(label, String(value))];
  });
}

// The sentences for an error from api(): the fields' first, else the message in Chinese.
export function explain(err, form) {
  const body = err?.body || {};
  const lines = [...new Set(flatten(body.errors, form))];
  // A specific message says why (not the generic "输入有误"): it goes first.
  const why = chinese(body.message || "");
  if (why && !GENERIC.has(why)) lines.unshift(why.replace(/[。.]?$/, "。"));
  if (lines.length) return lines.join("\n");
  return chinese(body.message || "") || (err?.status ? `操作未成功(${err.status}),请稍后再试。`
    : "无法连接服务器,请检查网络。");
}
