// The dispatcher console: the risk-sorted queue, a live map, suggestions with reasons,
// assign/reassign in one action, the timeline, and the day plan. Live over SSE.
import { $, $$, api, auth, debounce, errorText, fill, fmtTime, h, signIn, slaBadge, status, textTip } from "./common.js";
import { SLA_COLOURS, createMap, drawZones } from "./mapview.js";
import { openLive } from "/static/live.js";
import { chinese } from "./errors.js";
import { TABLES, liveSentence } from "./tables.js";
import { drawOutages } from "/outages/static/outage-map.js";

const L = window.L;
const state = { queue: [], selected: null, order: null, plan: null, orderPoints: {}, techPoints: {} };
let map;
const layers = {};

signIn.start(["dispatcher", "admin"], start);

async function start() {
  map = createMap($("#console-map"));
  layers.orders = L.layerGroup().addTo(map);
  // Technicians close together cluster into one numbered marker until zoomed in.
  layers.techs = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false }).addTo(map);
  layers.plan = L.layerGroup().addTo(map);
  wireKeys();
  $("#plan-form").addEventListener("submit", proposePlan);
  $("#plan-form").date.value = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const zones = await drawZones(map).catch(() => null);
  drawOutages(map).catch(() => null);
  fillTeams(zones);
  await refresh();
  connectLive();
  document.body.dataset.ready = "true";
  const poll = Number(document.body.dataset.pollSeconds || 15);
  if (poll > 0) setInterval(refresh, poll * 1000);
}

// ---- live -----------------------------------------------------------------------------
function connectLive() {
  let seen = null;
  openLive({
    api,
    lastId: () => seen,
    saveLastId: (id) => { seen = id; },
    onState: setLive,
    onEvent: (message) => {
      $("#feed").prepend(h("li", { dataset: { kind: message.kind } },
        h("span", { class: "muted" }, fmtTime(new Date().toISOString())), " ", liveSentence(message)));
      liveRefresh();
    },
    onGap: () => liveRefresh(),
  });
}

const LIVE_STATES = { live: "实时", connecting: "重连中", polling: "实时中断,定时刷新", replaced: "已在新窗口实时更新" };

function setLive(state) {
  const badge = $("#live-state");
  badge.textContent = LIVE_STATES[state] || LIVE_STATES.connecting;
  badge.className = `badge ${state === "live" ? "sla-on_track" : "warn"}`;
}

const liveRefresh = debounce(refresh, 200);

async function refresh() {
  try {
    await Promise.all([loadQueue(), loadOrderPoints(), loadTechnicians()]);
    if (state.selected) await loadOrder(state.selected, { keepForm: true });
    status(`已更新 ${fmtTime(new Date().toISOString())}`);
  } catch (err) {
    status(errorText(err));
  }
}

// ---- queue ----------------------------------------------------------------------------
async function loadQueue() {
  const page = await api("/api/dispatch/queue", { query: { per_page: 200 } });
  state.queue = page.items;
  $("#queue-total").textContent = `共 ${page.total} 单`;
  fill($("#queue"), ...page.items.map(queueItem));
}

function queueItem(o) {
  return h("button", { type: "button", role: "option", class: `queue-item sla-${o.sla_state}${o.id === state.selected ? " selected" : ""}`,
    dataset: { id: o.id }, "aria-selected": String(o.id === state.selected), onclick: () => select(o.id) },
  h("div", {}, h("strong", {}, o.number), " ", o.type_name, " ", slaBadge(o.sla_state)),
  h("div", { class: "why" }, TABLES.queue_reasons[o.queue_reason] || "待处理", o.priority === 1 ? " · 孤寡/残疾优先" : ""),
  h("div", { class: "muted" }, `${o.address} · 时限 ${fmtTime(o.deadline_at)} · ${o.status_label}`));
}

function wireKeys() {
  document.addEventListener("keydown", (event) => {
    if (/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return;
    if (event.altKey && ["1", "2"].includes(event.key)) {
      event.preventDefault();
      showTab(event.key === "1" ? "order" : "plan");
    } else if (["ArrowDown", "ArrowUp"].includes(event.key) && state.queue.length) {
      event.preventDefault();
      const at = state.queue.findIndex((o) => o.id === state.selected);
      const next = Math.min(state.queue.length - 1, Math.max(0, at + (event.key === "ArrowDown" ? 1 : -1)));
      select(state.queue[next].id);
      $(`.queue-item[data-id="${state.queue[next].id}"]`)?.focus();
    }
  });
  $$("[role=tab]").forEach((tab) => tab.addEventListener("click", () => showTab(tab.dataset.tab)));
}

function showTab(name) {
  $$("[role=tab]").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.tab === name)));
  $$(".tab-panel").forEach((p) => { p.hidden = p.dataset.panel !== name; });
}

// ---- map layers -----------------------------------------------------------------------
async function loadOrderPoints() {
  const fc = await api("/api/map/orders");
  layers.orders.clearLayers();
  state.orderPoints = {};
  const outside = fc.features.filter((f) => f.properties.unrouted)
    .map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
  if (!state.fitted) map.fitArea?.(outside);
  state.fitted = true;
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    state.orderPoints[f.id] = [lat, lon];
    const marker = L.circleMarker([lat, lon], { radius: p.is_emergency ? 9 : 6, color: SLA_COLOURS[p.sla_state],
      weight: p.unrouted ? 3 : 2, dashArray: p.unrouted ? "3 3" : null, fillOpacity: p.status === "new" ? 0.9 : 0.3 })
      .on("click", () => select(f.id)).addTo(layers.orders);
    // An order in no zone is outside the drawn area: say so on the map, not only in a tooltip.
    if (p.unrouted) {
      marker.bindTooltip(textTip(`片区外 ${p.number}`), { permanent: true, direction: "right", className: "outside-label" });
    } else {
      marker.bindTooltip(textTip(`${p.number} ${p.type_name} ${p.status_label}`));
    }
  }
}

async function loadTechnicians() {
  const fc = await api("/api/map/technicians");
  layers.techs.clearLayers();
  state.technicians = fc.features.map((f) => f.properties);
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    state.techPoints[f.id] = [lat, lon];
    L.marker([lat, lon], { icon: L.divIcon({ className: `tech-icon${p.stale ? " stale" : ""}`,
      html: h("span", {}, p.name), iconSize: null }) })
      .bindTooltip(textTip(`${p.name} · ${p.team_name} · ${TABLES.technician_states[p.status] || "状态未知"} · 在办${p.open_orders}${p.on_call ? " · 值班" : ""}${p.stale ? " · 位置过期" : ""}`))
      .addTo(layers.techs);
  }
}

// ---- one order: detail, suggestions, assign -------------------------------------------
async function select(id) {
  state.selected = id;
  $$(".queue-item").forEach((b) => {
    const on = Number(b.dataset.id) === id;
    b.classList.toggle("selected", on);
    b.setAttribute("aria-selected", String(on));
  });
  showTab("order");
  if (state.orderPoints[id]) map.panTo(state.orderPoints[id]);
  await loadOrder(id);
}

async function loadOrder(id, { keepForm = false } = {}) {
  const order = await api(`/api/workorders/${id}`);
  const changed = !state.order || state.order.id !== order.id || state.order.version !== order.version;
  state.order = order;
  fill($("#order-detail"),
    h("h3", {}, `${order.number} ${order.type_name}`),
    h("div", {}, h("span", { class: `badge st-${order.status}` }, order.status_label), " ", slaBadge(order.sla_state),
      order.limited_mobility ? h("span", { class: "badge warn" }, "孤寡/残疾") : null),
    h("div", {}, `${order.address}`),
    h("div", { class: "muted" }, `片区 ${order.zone ? order.zone.name : "未定位"} · 时限 ${fmtTime(order.deadline_at)}`),
    h("div", {}, order.description));
  fill($("#timeline"), ...order.timeline.map((e) => h("li", { dataset: { kind: e.kind } },
    h("strong", {}, `${fmtTime(e.server_time)} ${e.label}`), h("div", { class: "muted" }, e.sentence))));
  if (changed || !keepForm) await loadSuggestions(order);
}

async function loadSuggestions(order) {
  $("#assign-error").textContent = "";
  const box = $("#suggestions");
  if (!["new", "assigned", "accepted", "scheduled", "en_route"].includes(order.status)) {
    fill(box);
    return;
  }
  const s = await api(`/api/workorders/${order.id}/suggestions`);
  const reassign = order.status !== "new";
  const reason = h("input", { id: "assign-reason", placeholder: reassign ? "改派原因(必填)" : "不选第一推荐时须填写原因" });
  const rows = s.candidates.map((c) => h("div", { class: "candidate", dataset: { technician: c.technician_id } },
    h("strong", {}, `${c.rank}. ${c.name}`), c.technician_id === order.technician_id ? " (当前)" : "",
    h("div", { class: "muted" }, [`距离 ${(c.distance_m / 1000).toFixed(1)} km`, `在办 ${c.load}/${c.max_open_orders}`,
      c.due_earlier ? `更早到期 ${c.due_earlier}` : null, c.on_call ? "值班" : null, c.on_duty_roster ? "在班" : null,
      c.fresh_position ? "实时位置" : "驻点位置", c.outside_team ? "外班组" : null, c.would_preempt ? "将挤占非抢修工单" : null]
      .filter(Boolean).join(" · ")),
    c.technician_id === order.technician_id ? null
      : h("button", { type: "button", class: c.rank === 1 ? "primary" : "", onclick: () => assign(order, c, reassign) },
        reassign ? "改派给TA" : "派给TA")));
  const said = (labels) => labels.map((l) => l.split(" / ")[0]).join("、");
  const excluded = s.excluded.length ? h("details", {}, h("summary", {}, `未推荐 ${s.excluded.length} 人`),
    h("ul", {}, s.excluded.map((x) => h("li", {}, `${x.name}:${said(x.labels)}`)))) : null;
  fill(box, h("h4", {}, reassign ? "改派" : "推荐人选"), nearer(order, s, said),
    rows.length ? reason : h("p", { class: "muted" }, "暂无合适人选"), ...rows, excluded);
}

// Why the chosen one (the current assignee, else the first suggestion) over nearer people:
// one line for each technician nearer to the order who is not offered, with the reason.
function nearer(order, s, said) {
  const chosen = s.candidates.find((c) => c.technician_id === order.technician_id) || s.candidates[0];
  const current = s.excluded.find((x) => x.technician_id === order.technician_id);
  const reference = chosen?.distance_m ?? current?.distance_m;
  if (reference == null) return null;
  const closer = s.excluded.filter((x) => x.technician_id !== order.technician_id
    && x.distance_m != null && x.distance_m < reference && !x.reasons.includes("farther"));
  if (!closer.length) return null;
  const name = current?.name || chosen.name;
  return h("div", { class: "nearer", id: "nearer" }, h("strong", {}, `为什么是${name}而不是更近的人:`),
    h("ul", {}, closer.sort((a, b) => a.distance_m - b.distance_m).map((x) =>
      h("li", {}, `${x.name} 距 ${(x.distance_m / 1000).toFixed(1)} km:${said(x.labels)}`))));
}

async function assign(order, candidate, reassign) {
  const reason = $("#assign-reason")?.value.trim();
  const body = { technician_id: candidate.technician_id, version: order.version };
  if (reassign) body.reason = reason;
  else if (candidate.rank !== 1 || reason) body.override_reason = reason;
  try {
    const saved = await api(`/api/workorders/${order.id}/${reassign ? "reassign" : "assign"}`, { method: "POST", body });
    status(`${saved.number} 已${reassign ? "改派" : "派"}给 ${candidate.name}`);
    await refresh();
  } catch (err) {
    $("#assign-error").textContent = errorText(err);
  }
}

// ---- the day plan ---------------------------------------------------------------------
function fillTeams(zones) {
  const teams = new Map();
  zones?.eachLayer((l) => teams.set(l.feature.properties.team_id, l.feature.properties.team_name));
  fill($("#plan-team"), ...[...teams].map(([id, name]) => h("option", { value: id }, name)));
}

async function proposePlan(event) {
  event.preventDefault();
  const form = event.target;
  $("#plan-error").textContent = "";
  try {
    state.plan = await api("/api/dispatch/plans", { method: "POST",
      body: { team_id: Number(form.team_id.value), date: form.date.value } });
    renderPlan();
  } catch (err) {
    $("#plan-error").textContent = errorText(err);
  }
}

const ROUTE_COLOURS = ["#d81b60", "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00897b"];

function renderPlan() {
  const plan = state.plan;
  layers.plan.clearLayers();
  // Only technicians who can take the stop are offered; the others are listed, greyed, with why.
  const moveControl = (stop) => h("select", { "aria-label": "移到", class: "move",
    onchange: (e) => moveStop(stop.order.id, e.target.value) },
    h("option", { value: "" }, "移到…"),
    ...stop.moves.filter((m) => m.allowed).map((m) => h("option", { value: m.technician_id }, m.name)),
    ...stop.moves.filter((m) => !m.allowed).map((m) =>
      h("option", { value: "", disabled: true }, `${m.name}(不可:${m.why_not})`)),
    stop.sequence ? h("option", { value: "none" }, "移出计划") : null);
  const routes = plan.routes.map((r, i) => {
    drawRoute(r, ROUTE_COLOURS[i % ROUTE_COLOURS.length]);
    return h("div", { class: "plan-route" },
      h("strong", { style: `color:${ROUTE_COLOURS[i % ROUTE_COLOURS.length]}` }, `${r.technician.name}`),
      ` ${r.stops.length} 单`,
      h("ol", {}, r.stops.map((s) => h("li", {}, `${fmtTime(s.eta)} ${s.order.number} ${s.order.address} `, moveControl(s)))));
  });
  const left = plan.unassigned.map((u) => h("li", {}, `${u.order.number}:${chinese(u.reason?.message || "") || "未能排入"} `, moveControl(u)));
  fill($("#plan"),
    h("div", {}, `计划 #${plan.id} · ${plan.date} · `, h("span", { class: "badge" }, plan.status === "accepted" ? "已接受" : "建议"),
      plan.status === "accepted" ? null : h("button", { type: "button", class: "primary", onclick: acceptPlan }, "接受计划")),
    ...routes, left.length ? h("h4", {}, "未排入") : null, left.length ? h("ul", {}, left) : null);
}

function drawRoute(route, colour) {
  const start = state.techPoints[route.technician.id];
  const points = route.stops.map((s) => state.orderPoints[s.order.id]).filter(Boolean);
  if (start) points.unshift(start);
  if (points.length > 1) L.polyline(points, { color: colour, weight: 3, dashArray: "6 4" }).addTo(layers.plan);
  route.stops.forEach((s) => {
    const at = state.orderPoints[s.order.id];
    if (at) L.marker(at, { icon: L.divIcon({ className: "stop-icon", html: h("span", { style: `background:${colour}` }, String(s.sequence)), iconSize: null }) }).addTo(layers.plan);
  });
}

async function moveStop(orderId, target) {
  if (!target) return;
  try {
    state.plan = await api(`/api/dispatch/plans/${state.plan.id}`, { method: "PATCH",
      body: { order_id: orderId, technician_id: target === "none" ? null : Number(target) } });
    renderPlan();
  } catch (err) {
    $("#plan-error").textContent = errorText(err);
  }
}

async function acceptPlan() {
  try {
    state.plan = await api(`/api/dispatch/plans/${state.plan.id}/accept`, { method: "POST" });
    renderPlan();
    await refresh();
  } catch (err) {
    $("#plan-error").textContent = errorText(err);
  }
}
