// 停水通告 for dispatchers and leads: draw the area (or pick zones), declare, change, restore.
import { $, api, errorText, fill, fmtTime, h, signIn, status } from "/desk/static/common.js";
import { createMap, drawZones } from "/desk/static/mapview.js";
import { drawOutages } from "./outage-map.js";

const L = window.L;
const KIND = { planned: "计划停水", emergency: "抢修停水" };
const vertices = [];
let map, sketch, outageLayer;

signIn.start(["dispatcher", "department_lead", "general_manager", "admin"], start);

async function start() {
  map = createMap($("#outage-map"));
  sketch = L.layerGroup().addTo(map);
  outageLayer = L.layerGroup().addTo(map);
  map.on("click", (e) => { vertices.push([e.latlng.lng, e.latlng.lat]); drawSketch(); });
  $("#clear-area").addEventListener("click", () => { vertices.length = 0; drawSketch(); });
  const form = $("#outage-form");
  form.addEventListener("submit", (event) => {  // no inline handler: the CSP allows none
    event.preventDefault();
    declare();
  });
  form.addEventListener("change", () => { $("#order-row").hidden = form.kind.value !== "emergency"; });
  const zones = await drawZones(map).catch(() => null);
  fill($("#zone-select"), (zones ? zones.getLayers() : []).map((l) =>
    h("option", { value: l.feature.id }, l.feature.properties.name)));
  await Promise.all([loadOrders(), refresh()]);
  document.body.dataset.ready = "true";
}

function drawSketch() {
  sketch.clearLayers();
  $("#vertex-count").textContent = vertices.length;
  const latlngs = vertices.map(([lon, lat]) => [lat, lon]);
  if (latlngs.length >= 3) L.polygon(latlngs, { color: "#c62828" }).addTo(sketch);
  else latlngs.forEach((p) => L.circleMarker(p, { radius: 4, color: "#c62828" }).addTo(sketch));
}

async function loadOrders() {
  const page = await api("/api/workorders", { query: { type: "emergency_repair",
    status: ["new", "assigned", "accepted", "en_route", "on_site"], per_page: 50 } }).catch(() => null);
  fill($("#order-select"), (page ? page.items : []).map((o) =>
    h("option", { value: o.id }, `${o.number} ${o.address}`)));
}

async function refresh() {
  const outages = await api("/api/outages");
  fill($("#outage-list"), outages.length ? outages.map(item) : h("p", { class: "muted" }, "目前没有停水通告。"));
  await drawOutages(map, outageLayer);
}

function item(o) {
  return h("div", { class: "outage-item" },
    h("strong", {}, `${o.area_name}(${KIND[o.kind]})`),
    h("div", {}, `${fmtTime(o.start_at)} 至 ${fmtTime(o.expected_end_at)} · 影响用户 ${o.affected_count} 户`),
    h("div", { class: "muted" }, `原因:${o.reason};通知:${o.notify.join("、")}`),
    o.emergency_water_at ? h("div", { class: "error" }, "停水已超过24小时:请安排应急供水") : null,
    h("button", { type: "button", onclick: () => restore(o) }, "恢复供水并通知用户"));
}

function localIso(value) {
  return value ? new Date(value).toISOString() : undefined;
}

async function declare() {
  const form = $("#outage-form");
  const body = {
    kind: form.kind.value, area_name: form.area_name.value.trim(), reason: form.reason.value.trim(),
    start_at: localIso(form.start_at.value), expected_end_at: localIso(form.expected_end_at.value),
    fire_supply_affected: form.fire_supply_affected.checked,
  };
  if (vertices.length >= 3) {
    body.area = { type: "Polygon", coordinates: [[...vertices, vertices[0]]] };
  } else {
    body.zone_ids = [...$("#zone-select").selectedOptions].map((o) => Number(o.value));
  }
  if (body.kind === "emergency" && form.work_order_id.value) body.work_order_id = Number(form.work_order_id.value);
  if (form.approval_reason.value.trim()) body.approval_reason = form.approval_reason.value.trim();
  try {
    const outage = await api("/api/outages", { method: "POST", body });
    $("#outage-error").textContent = "";
    status(`已发布:${outage.area_name},短信通知 ${outage.affected_count} 户`);
    form.reset(); vertices.length = 0; drawSketch();
    await refresh();
  } catch (err) {
    $("#outage-error").textContent = errorText(err, form);
  }
}

async function restore(o) {
  try {
    await api(`/api/outages/${o.id}/restore`, { method: "POST" });
    status(`${o.area_name} 已恢复供水,已短信通知`);
    await refresh();
  } catch (err) {
    status(errorText(err));
  }
}
