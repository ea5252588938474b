// My orders, in the server's order (emergencies and urgent deadlines first, then by
// appointment), read from the API and kept for offline reading; queued steps laid over.
import { Offline, api } from "./api.js";
import * as outbox from "./outbox.js";
import { SLA_ZH, STATUS_ZH, predictedStatus } from "./steps.js";
import * as store from "./store.js";
import { $, drawKey, errorText, fmtTime, h, paint, toast } from "./ui.js";

let generation = 0;

export async function showOrders({ fetch = true } = {}) {
  const mine = ++generation;
  const current = () => mine === generation && !location.hash.startsWith("#/order/");
  const cached = await store.cached("orders");
  if (cached && current()) await draw(cached, current);
  if (!fetch) return;
  try {
    const page = await api("/api/visits/mine");
    const list = { items: page.items, fetched_at: new Date().toISOString() };
    await store.remember("orders", list);
    if (current()) await draw(list, current);
  } catch (err) {
    if (!current()) return;
    if (err instanceof Offline) {
      if (!cached) $("#view").replaceChildren(h("p", { class: "empty" }, "离线中,尚无缓存的工单。"));
    } else {
      toast(errorText(err), "error");
    }
  }
}

async function draw(list, current) {
  const pending = await outbox.pending();
  if (!current()) return;
  paint(drawKey("orders", list.items, pending), () => {
    const cards = list.items.map((order) => card(order, pending.filter((e) => e.order_id === order.id)))
      .filter(Boolean);
    return [h("div", { class: "list-head" }, h("span", { class: "muted" }, `共 ${cards.length} 单 · 更新于 `,
      h("span", { id: "fetched-at" })),
    h("button", { type: "button", class: "plain", id: "refresh", onclick: () => showOrders() }, "刷新")),
    cards.length ? h("ul", { class: "orders", id: "orders" }, cards)
      : h("p", { class: "empty" }, "暂无待办工单")];
  });
  $("#fetched-at").textContent = fmtTime(list.fetched_at); // the same list, read again: only the time
}

function card(order, pending) {
  const status = predictedStatus(order.status, pending);
  if (status === "new") return null; // declined on this phone, waiting to be sent
  return h("li", {}, h("a", { class: `order-card${order.priority >= 2 ? " emergency" : ""}`,
    href: `#/order/${order.id}`, dataset: { orderId: order.id } },
  h("div", { class: "line" }, h("strong", { class: "number" }, order.number),
    h("span", { class: `status s-${status}` }, STATUS_ZH[status])),
  h("div", { class: "line" }, h("span", {}, order.type_name),
    order.priority >= 2 ? h("span", { class: "badge urgent" }, "紧急") : null,
    order.limited_mobility ? h("span", { class: "badge care" }, "行动不便") : null,
    order.arrival_flagged ? h("span", { class: "badge warn" }, "到场位置偏远") : null,
    SLA_ZH[order.sla_state] ? h("span", { class: `badge sla-${order.sla_state}` }, SLA_ZH[order.sla_state])
      : null),
  h("div", { class: "address" }, order.address),
  h("div", { class: "muted small" }, order.appointment_start
    ? `预约 ${fmtTime(order.appointment_start)} – ${fmtTime(order.appointment_end)}`
    : `时限 ${fmtTime(order.deadline_at)}`),
  pending.length ? h("div", { class: "pending-note" }, `${pending.length} 个步骤待发送`) : null));
}
