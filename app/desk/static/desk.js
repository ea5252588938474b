// The hotline desk: find the caller, open an order (seeing zone, team and deadline first),
// tell every requirement at once (一次性告知), and record 容缺受理 promises.
import { $, $$, api, auth, debounce, errorText, fill, fmtTime, h, signIn, slaBadge, status } from "./common.js";
import { chinese } from "./errors.js";
import { createMap, drawZones } from "./mapview.js";
import { submitOnce } from "./submit.js";

const state = { customer: null, location: null, kinds: null, entry: null, preview: null,
  entryTicket: 0, previewTicket: 0 };
let map, pin;
let ready = false;
let pendingSearch = $("#search-form").dataset.pending === "true"; // Enter while loading

// Attached at once: an Enter typed while the page is still starting must not navigate away.
$("#search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (ready) search();
  else pendingSearch = true;
});
wireKeyboard(); // keys work from the first paint; what needs data waits for start()
signIn.start(["hotline_agent", "dispatcher", "admin"], start);

async function start() {
  map = createMap($("#order-map"));
  map.on("click", (e) => setLocation({ lat: e.latlng.lat, lon: e.latlng.lng }));
  wireOrderForm();
  wireNotice();
  wireDeferrals();
  $("#complaint-form").addEventListener("submit", saveComplaint);
  await Promise.all([loadTypes(), drawZones(map).catch(() => status("片区加载失败")),
    loadKinds(), loadDeferrals(), loadDepartments()]);
  ready = true;
  document.body.dataset.ready = "true";
  if (!$('[data-panel="notice"]').hidden && !state.entry) loadEntry();
  if (!$('[data-panel="deferral"]').hidden) renderDeferralForm();
  if (pendingSearch) search();
  else $("#search").focus();
}

// ---- keyboard -------------------------------------------------------------------------
function wireKeyboard() {
  document.addEventListener("keydown", (event) => {
    if (event.altKey && ["1", "2", "3", "4"].includes(event.key)) {
      event.preventDefault();
      showTab(["order", "notice", "deferral", "complaint"][Number(event.key) - 1]);
    } else if (["ArrowDown", "ArrowUp"].includes(event.key) && document.activeElement.matches(".pick, #search")) {
      const picks = $$(".customer-card .pick");
      const at = picks.indexOf(document.activeElement);
      const next = picks[Math.max(0, Math.min(picks.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))];
      if (next) { event.preventDefault(); next.focus(); }
    } else if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
      event.preventDefault();
      $("#search").focus();
    } else if (event.ctrlKey && event.key === "Enter" && !$('[data-panel="order"]').hidden) {
      event.preventDefault();
      $("#order-form").requestSubmit();
    }
  });
  $$("[role=tab]").forEach((tab) => tab.addEventListener("click", () => showTab(tab.dataset.tab)));
}

function showTab(name) {
  $$("[role=tab]").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.tab === name)));
  $$(".tab-panel").forEach((p) => { p.hidden = p.dataset.panel !== name; });
  if (name === "order") setTimeout(() => map?.invalidateSize(), 0);
  if (name === "deferral" && ready) renderDeferralForm();
  if (name === "notice" && ready && !state.entry) loadEntry();
}

// ---- search ---------------------------------------------------------------------------
async function search({ select = true } = {}) {
  const q = $("#search").value.trim();
  if (q.length < 2) return;
  state.lastSearch = q;
  const results = $("#results");
  fill(results, h("p", { class: "muted" }, "查询中…"));
  try {
    const body = await api("/api/customers", { query: { q } });
    const cards = body.items.map(customerCard);
    const others = body.other_open_orders.length
      ? [h("h4", {}, "无户号的在办工单(同电话/地址)"), ...body.other_open_orders.map(orderLine)]
      : [];
    fill(results,
      h("p", { class: "muted" }, `找到 ${body.total} 位用户`), ...cards, ...others);
    if (!select) return;
    if (body.items.length === 1) selectCustomer(body.items[0]);
    else $(".customer-card button")?.focus();
  } catch (err) {
    fill(results, h("p", { class: "error" }, errorText(err)));
  }
}

function customerCard(c) {
  const pick = h("button", { type: "button", class: "pick", onclick: () => selectCustomer(c) },
    `${c.name} · ${c.account_no}`);
  return h("article", { class: "customer-card", dataset: { id: c.id } },
    pick,
    h("div", {}, c.phone || "", c.limited_mobility ? h("span", { class: "badge warn" }, "孤寡/残疾") : null),
    h("div", { class: "muted" }, c.address),
    c.meters.length ? h("div", { class: "muted" }, "水表:", c.meters.map((m) => m.number).join("、")) : null,
    h("h4", {}, `在办工单 ${c.open_orders.length}`),
    ...c.open_orders.map(orderLine),
    c.open_complaints?.length ? h("h4", {}, `在办投诉 ${c.open_complaints.length}`) : null,
    ...(c.open_complaints || []).map((x) => h("div", { class: "order-line" }, x.number, " ", x.status_label)),
    c.recent_orders.length ? h("h4", {}, "近期记录") : null,
    ...c.recent_orders.map(orderLine));
}

function orderLine(o) {
  return h("div", { class: "order-line" },
    h("span", { class: "number" }, o.number), " ", o.type_name, " ",
    h("span", { class: `badge st-${o.status}` }, o.status_label), " ",
    o.status === "cancelled" || o.status === "closed" ? null : slaBadge(o.sla_state),
    h("div", { class: "muted" }, `${fmtTime(o.created_at)} ${o.description || ""}`));
}

function selectCustomer(c) {
  state.customer = c;
  $$(".customer-card").forEach((card) => card.classList.toggle("selected", card.dataset.id == c.id));
  const form = $("#order-form");
  form.account_no.value = c.account_no;
  form.caller_name.value = c.name;
  form.caller_phone.value = c.phone || "";
  form.address.value = c.address;
  form.limited_mobility.checked = c.limited_mobility;
  if (c.meters.length === 1) form.meter_number.value = c.meters[0].number;
  $("#use-customer-point").disabled = !c.location;
  if (c.location) setLocation(c.location);
  else refreshPreview();
  $("#deferral-form").applicant_name.value = c.name;
  $("#deferral-form").applicant_phone.value = c.phone || "";
  $("#notice-applicant").value = c.name;
  const complaint = $("#complaint-form");
  complaint.caller_name.value = c.name;
  complaint.caller_phone.value = c.phone || "";
  $("#complaint-caller").textContent = `用户:${c.name}(户号 ${c.account_no})`;
  status(`已选用户 ${c.name}(${c.account_no})`);
  form.type.focus({ preventScroll: true });
}

// ---- order form -----------------------------------------------------------------------
async function loadTypes() {
  const types = await api("/api/desk/order-types");
  fill($("#order-type"), ...types.map((t) =>
    h("option", { value: t.code, selected: t.code === "general_repair" }, `${t.name_zh}${t.is_emergency ? "(即时响应)" : ""}`)));
}

function wireOrderForm() {
  const form = $("#order-form");
  form.type.addEventListener("change", () => refreshPreview());
  form.addEventListener("submit", saveOrder);
  $("#clear-customer").addEventListener("click", () => {
    state.customer = null;
    form.account_no.value = "";
    $("#use-customer-point").disabled = true;
    refreshPreview();
  });
  $("#use-customer-point").addEventListener("click", () => state.customer?.location && setLocation(state.customer.location));
}

function setLocation(point) {
  state.location = { lat: Number(point.lat.toFixed(6)), lon: Number(point.lon.toFixed(6)) };
  $("#location-text").textContent = `${state.location.lat}, ${state.location.lon}`;
  if (pin) pin.setLatLng([point.lat, point.lon]);
  else pin = window.L.circleMarker([point.lat, point.lon], { radius: 8, color: "#c62828", fillOpacity: 0.8 }).addTo(map);
  document.dispatchEvent(new CustomEvent("tapline:location", { detail: state.location })); // outage banner
  refreshPreview();
}

const refreshPreview = debounce(async () => {
  const form = $("#order-form");
  const query = { type: form.type.value, account_no: form.account_no.value || undefined };
  if (state.location) Object.assign(query, state.location);
  const ticket = ++state.previewTicket;
  try {
    const preview = await api("/api/desk/preview", { query });
    if (ticket !== state.previewTicket) return; // a newer question is on its way
    state.preview = preview;
    renderPreview(preview);
  } catch (err) {
    fill($("#preview"), h("p", { class: "error" }, errorText(err)));
  }
}, 150);

function renderPreview(p) {
  const where = p.unrouted
    ? h("span", { class: "badge warn" }, p.location ? "不在任何片区:调度员人工派单" : "未定位:请在地图上点选")
    : h("span", {}, `片区:${p.zone.name}(${p.zone.code}) · 班组:${p.team.name}`);
  const dupes = p.duplicates.map((d) => h("li", {},
    d.reason === "same_customer" ? "同一用户:" : `附近${Math.round(d.distance_m)}米同类:`,
    `${d.order.number} ${d.order.type_name} ${d.order.status_label} ${d.order.address}`));
  fill($("#preview"),
    p.is_emergency ? h("div", { class: "emergency-banner", role: "alert" }, "抢修:即时响应,保存后立即派单") : null,
    h("div", { id: "preview-route" }, where),
    h("div", { id: "preview-deadline" }, `时限:${fmtTime(p.deadline_at)}(${p.deadline_rule})`,
      p.calendar_unconfirmed ? h("span", { class: "badge warn" }, "节假日未确认") : null),
    dupes.length ? h("div", { class: "duplicates", role: "alert" },
      h("strong", {}, "可能重复,请先核对:"), h("ul", {}, dupes)) : "");
}

async function saveOrder(event) {
  event.preventDefault();
  const form = event.target;
  const body = { type: form.type.value, channel: form.channel.value,
    description: form.description.value, limited_mobility: form.limited_mobility.checked,
    property_side: form.property_side.value };
  for (const name of ["account_no", "caller_name", "caller_phone", "address", "meter_number"]) {
    if (form[name].value.trim()) body[name] = form[name].value.trim();
  }
  if (state.location) body.location = state.location;
  // The customer's preferred time: the technician's phone offers it first (inside service hours).
  if (form.preferred_start.value && form.preferred_end.value) {
    body.flags = { preferred_window: { start: form.preferred_start.value, end: form.preferred_end.value } };
  }
  $("#order-error").textContent = "";
  const button = $("#save-order");
  button.disabled = true; // one press, one order
  try {
    const order = await submitOnce("order", "/api/workorders", body);
    const where = order.unrouted ? "不在任何片区,由调度员人工派单"
      : `片区 ${order.zone.name}${state.preview?.team ? ` · ${state.preview.team.name}` : ""}`;
    fill($("#order-result"), h("div", { class: "saved", role: "status", dataset: { number: order.number } },
      h("strong", {}, `已创建工单 ${order.number}`),
      h("div", {}, `${where} · 时限 ${fmtTime(order.deadline_at)}`),
      h("div", { class: "routing", id: "routing" }, "系统正在派单…")));
    status(`工单 ${order.number} 已保存`);
    resetOrderForm(form);
    followRouting(order.id);
    if (state.lastSearch) await search({ select: false }); // the card now lists the new order
    $("#order-result").scrollIntoView({ block: "start" });
  } catch (err) {
    $("#order-error").textContent = errorText(err, form);
  } finally {
    button.disabled = false;
  }
}

// After a save the form starts again: no customer, no point, no preview, the default type,
// so the next caller is not filed under this one and the saved order is no duplicate of itself.
function resetOrderForm(form) {
  form.reset();
  state.customer = null;
  state.location = null;
  state.preview = null;
  pin?.remove();
  pin = null;
  $("#location-text").textContent = "在地图上点选";
  $("#use-customer-point").disabled = true;
  $$(".customer-card").forEach((card) => card.classList.remove("selected"));
  const general = $('#order-type option[value="general_repair"]');
  if (general) general.selected = true;
  fill($("#preview"));
}

// The router decides after the commit (a worker job): show its decision, in the server's own
// sentence, and the status as it then stands.
const DECISIONS = new Set(["assign", "awaiting_dispatcher", "no_candidate", "escalation_exhausted", "unrouted"]);

async function followRouting(orderId, tries = 8) {
  const order = await api(`/api/workorders/${orderId}`).catch(() => null);
  const decision = order?.timeline.slice().reverse().find((e) => DECISIONS.has(e.kind));
  const line = $(`.saved[data-number="${order?.number}"] .routing`);
  if (decision && line) {
    line.textContent = `${decision.sentence} 当前状态:${order.status_label}。`;
  } else if (tries > 1) {
    setTimeout(() => followRouting(orderId, tries - 1), 1500);
  } else if (line) {
    line.textContent = `当前状态:${order?.status_label || "待派单"}。`;
  }
}

// ---- one-time notification (一次性告知) -------------------------------------------------
async function loadKinds() {
  state.kinds = await api("/api/desk/notice-kinds");
  const option = (k) => h("option", { value: k.code }, k.name_zh);
  fill($("#notice-business"), ...state.kinds.businesses.map(option));
  fill($("#notice-kind"), ...state.kinds.applicant_kinds.map(option));
}

function wireNotice() {
  $("#notice-business").addEventListener("change", loadEntry);
  $("#notice-kind").addEventListener("change", loadEntry);
  $("#notice-applicant").addEventListener("input", debounce(produceNotice, 300));
  $("#print-notice").addEventListener("click", () => window.print());
  $("#copy-sms").addEventListener("click", () => navigator.clipboard?.writeText($("#notice-sms").value));
  $("#notice-send").addEventListener("submit", sendNotice);
}

// R5.1 on request: the system texts the notice to the applicant's mobile (短信发件箱 keeps it).
async function sendNotice(event) {
  event.preventDefault();
  const e = state.entry;
  const sent = $("#notice-sent");
  if (!e) return;
  const body = {
    phone: $("#notice-phone").value.trim(), business: e.business, applicant_kind: e.applicant_kind,
    have: $$("#notice-entry input[name=have]:checked").map((i) => i.value),
    not_applicable: $$("#notice-entry input[name=na]:checked").map((i) => i.value),
  };
  sent.className = "muted";
  sent.textContent = "正在发送…";
  try {
    const message = await api("/api/sms/one-time-notices", { method: "POST", body });
    sent.textContent = message.status === "invalid" ? "号码无效,未发送" : `已提交发送到 ${message.phone}`;
  } catch (err) {
    sent.className = "error";
    sent.textContent = err.body?.errors?.phone ? "请填写正确的手机号码(11位)" : "发送没有成功,请稍后再试";
  }
}

async function loadEntry() {
  const business = $("#notice-business").value;
  const kind = $("#notice-kind").value;
  if (!business || !kind) return; // the lists are still loading: start() comes back here
  const ticket = ++state.entryTicket;
  const entry = await api(`/api/desk/notices/${business}/${kind}`);
  if (ticket !== state.entryTicket) return; // the agent already picked another one
  state.entry = entry;
  renderEntry(entry);
  await produceNotice();
}

function renderEntry(e) {
  const list = (title, items) => [h("h4", {}, title),
    items.length ? h("ol", {}, items.map((t) => h("li", {}, t))) : h("p", { class: "muted" }, "规则未规定")];
  const rows = e.materials.map((m, i) => h("tr", {},
    h("td", {}, m.stage ? `[${m.stage}] ` : "", m.name, m.when ? h("small", {}, `(${m.when})`) : ""),
    h("td", {}, h("label", { class: "check" }, h("input", { type: "checkbox", name: "have", value: m.name, "data-index": i, onchange: produceNotice }), "已有")),
    h("td", {}, m.when ? h("label", { class: "check" }, h("input", { type: "checkbox", name: "na", value: m.name, onchange: produceNotice }), "不适用") : "")));
  // The catalogue's notes are editorial (about the rules' text): for admins, who edit it.
  const admin = (auth.user()?.roles || []).includes("admin");
  fill($("#notice-entry"),
    h("p", { class: "muted" }, `来源:公司工作规则 ${e.source} · 版本 ${e.version}`),
    e.coverage === "not_stated" ? h("p", { class: "warn-box", role: "alert" },
      "公司工作规则未规定此项业务的办理要求。请咨询业务主管,不要自行告知。") : "",
    ...list("办理条件", e.conditions),
    h("h4", {}, "办理时限"), h("p", {}, e.time_limit || "规则未规定"),
    ...list("办理程序", e.procedure),
    h("h4", {}, "所需材料(勾选用户已有的)"),
    e.materials.length ? h("table", { id: "materials" }, h("tbody", {}, rows)) : h("p", { class: "muted" }, "规则未列出"),
    admin && e.notes.length ? h("div", { class: "muted", id: "editorial-notes" },
      ...list("编辑说明(仅管理员可见)", e.notes.map(chinese))) : "");
}

async function produceNotice() {
  const e = state.entry;
  if (!e) return;
  const have = $$("#notice-entry input[name=have]:checked").map((i) => i.value);
  const na = $$("#notice-entry input[name=na]:checked").map((i) => i.value);
  const body = { have, not_applicable: na };
  const applicant = $("#notice-applicant").value.trim();
  if (applicant) body.applicant = applicant;
  const out = await api(`/api/desk/notices/${e.business}/${e.applicant_kind}/checklist`, { method: "POST", body });
  if (e !== state.entry) return;
  $("#notice-print").textContent = out.printable_text;
  $("#notice-sms").value = out.sms_text;
}

// ---- 容缺受理 ----------------------------------------------------------------------------
const PROOFS = {
  citizen: ["id_copy", "已签名并提交身份证复印件"],
  entity: ["legal_rep_or_seal", "法定代表人(或授权代表)签字或加盖单位公章"],
  agent: ["power_of_attorney", "被委托人已提交委托书"],
};
const CONFIRMATIONS = [["true_intent", "所作承诺是申请人真实意思表示"], ["informed", "已经知晓各窗口告知的全部内容"],
  ["materials_true", "提供的所有申请材料真实有效"], ["supply_in_time", "在承诺期限内补正全部容缺材料"],
  ["accept_liability", "愿意承担违反承诺的法律责任"]];

function wireDeferrals() {
  const form = $("#deferral-form");
  form.signer_kind.addEventListener("change", renderDeferralForm);
  form.addEventListener("submit", saveDeferral);
}

async function renderDeferralForm() {
  if (!state.entry) await loadEntry();
  const e = state.entry;
  if (!e) return; // still starting: start() renders it once the lists are in
  const form = $("#deferral-form");
  $("#deferral-business").textContent = `业务:${e.business_name}(${e.applicant_kind_name})— 在「一次性告知」中切换`;
  const [proof, label] = PROOFS[form.signer_kind.value];
  const check = (name, text) => h("label", { class: "check" }, h("input", { type: "checkbox", name }), text);
  fill($("#deferral-proof"), h("legend", {}, "承诺与证明"),
    ...CONFIRMATIONS.map(([n, t]) => check(n, t)), check(proof, label));
  const deferrable = e.materials.filter((m) => m.deferrable);
  fill($("#deferral-missing"), h("legend", {}, "容缺材料(仅非关键材料)"),
    ...(deferrable.length ? deferrable.map((m) => check("missing", m.name))
      : [h("p", { class: "muted" }, "此业务没有可容缺的材料")]));
  // What the notice screen found missing is ticked already: the agent confirms, not retypes.
  const have = new Set($$("#notice-entry input[name=have]:checked").map((i) => i.value));
  $$('#deferral-missing input[name=missing]').forEach((input, i) => {
    input.value = deferrable[i].name;
    input.checked = !have.has(input.value);
  });
}

async function saveDeferral(event) {
  event.preventDefault();
  const form = event.target;
  const e = state.entry;
  const commitment = {};
  $$("#deferral-proof input").forEach((i) => { commitment[i.name] = i.checked; });
  const body = { business: e.business, applicant_kind: e.applicant_kind,
    applicant_name: form.applicant_name.value, signer_kind: form.signer_kind.value,
    signer_name: form.signer_name.value, commitment, due_on: form.due_on.value,
    missing: $$("#deferral-missing input:checked").map((i) => i.value) };
  if (form.applicant_phone.value) body.applicant_phone = form.applicant_phone.value;
  if (state.customer) body.account_no = state.customer.account_no;
  try {
    const saved = await api("/api/desk/deferrals", { method: "POST", body });
    $("#deferral-error").textContent = "";
    status(`容缺受理 ${saved.number} 已登记`);
    await loadDeferrals();
  } catch (err) {
    $("#deferral-error").textContent = errorText(err, form);
  }
}

async function loadDeferrals() {
  const due = await api("/api/desk/deferrals", { query: { due_within_days: 7 } });
  fill($("#deferrals-due"), ...(due.length ? due.map(deferralCard) : [h("p", { class: "muted" }, "暂无")]));
}

function deferralCard(d) {
  const left = d.overdue ? h("span", { class: "badge sla-breached" }, `已逾期${-d.days_left}天`)
    : h("span", { class: "badge sla-at_risk" }, `剩${d.days_left}天`);
  const items = d.items.map((item) => h("li", {}, item.name, " ", item.supplied_at ? "✓ 已补齐"
    : h("button", { type: "button", onclick: () => act(`/api/desk/deferrals/${d.id}/supply`, { item_ids: [item.id] }) }, "补齐")));
  return h("article", { class: "deferral-card" },
    h("strong", {}, `${d.number} ${d.title}`), " ", left,
    h("div", {}, `${d.applicant_name} · 期限 ${d.due_on}`), h("ul", {}, items));
}

async function act(path, body) {
  try {
    await api(path, { method: "POST", body });
    await loadDeferrals();
  } catch (err) {
    status(errorText(err));
  }
}

// ---- complaints (app/complaints API) ---------------------------------------------------
async function loadDepartments() {
  const departments = await api("/api/desk/departments");
  fill($("#complaint-department"), h("option", { value: "" }, "(不移交)"),
    ...departments.map((d) => h("option", { value: d.id }, d.name)));
}

async function saveComplaint(event) {
  event.preventDefault();
  const form = event.target;
  const body = { kind: form.kind.value, channel: form.channel.value, description: form.description.value,
    customer_request: form.customer_request.value, justified: form.justified.checked,
    explanation: form.explanation.value, satisfied_at_intake: form.satisfied_at_intake.checked,
    sensitive: form.sensitive.checked };
  for (const name of ["caller_name", "caller_phone", "sensitive_reason"]) {
    if (form[name].value.trim()) body[name] = form[name].value.trim();
  }
  if (form.department_id.value) body.department_id = Number(form.department_id.value);
  if (state.customer) Object.assign(body, { account_no: state.customer.account_no, address: state.customer.address });
  $("#complaint-error").textContent = "";
  try {
    const c = await submitOnce("complaint", "/api/complaints", body);
    fill($("#complaint-result"), h("div", { class: "saved", role: "status" },
      h("strong", {}, `已登记投诉 ${c.number}`), h("div", {}, `${c.status_label}${c.handoff_due_at ? ` · 移交时限 ${fmtTime(c.handoff_due_at)}` : ""}`)));
    status(`投诉 ${c.number} 已登记`);
    if (state.customer) search();
  } catch (err) {
    $("#complaint-error").textContent = errorText(err, form);
  }
}
