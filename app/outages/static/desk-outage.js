// The desk's outage banner (R8): when the caller's address lies in an announced outage, say so
// before the agent types anything, and link a "no water" call to it instead of a new order.
// desk.js announces every location it sets with a "tapline:location" event.
import { $, api, errorText, fill, fmtTime, h, status } from "/desk/static/common.js";

const KIND = { planned: "计划停水", emergency: "抢修停水" };
let ticket = 0;
document.head.append(h("style", {}, `
  .outage-banner { background: #fff4e5; border: 2px solid #c62828; border-radius: 6px;
                   padding: 8px 12px; margin-bottom: 8px; }
  .outage-banner strong { color: #c62828; }
  .outage-banner p { margin: 4px 0; }`));

document.addEventListener("tapline:location", async (event) => {
  const mine = ++ticket;
  const { lon, lat } = event.detail;
  const found = await api("/api/outages", { query: { lon, lat } }).catch(() => []);
  if (mine === ticket) show(found);
});

function banner() {
  let node = $("#outage-banner");
  if (!node) {
    node = h("section", { id: "outage-banner", class: "outage-banner", role: "alert", hidden: true });
    // At the top of the form: as the form's sibling it became a third cell of the order
    // panel's two-column grid, which pushed the form beside it and the map below.
    $("#order-form").prepend(node);
  }
  return node;
}

function show(outages) {
  const node = banner();
  node.hidden = outages.length === 0;
  fill(node, outages.map(card));
}

function card(o) {
  const result = h("p", { class: "muted" });
  const link = h("button", { type: "button", class: "primary", onclick: () => linkCall(o, result) },
    "来电反映无水:记入此停水通告(不新开工单)");
  return h("div", { class: "outage-card" },
    h("strong", {}, `⚠ 该地址在停水范围内:${o.area_name}(${KIND[o.kind]})`),
    h("p", {}, `停水 ${fmtTime(o.start_at)} 起,预计 ${fmtTime(o.expected_end_at)} 恢复供水。原因:${o.reason}`),
    o.fire_supply_affected ? h("p", {}, "已通知消防部门。") : null,
    link, result);
}

async function linkCall(outage, result) {
  const form = $("#order-form");
  const body = { note: "来电反映无水" };
  for (const name of ["caller_name", "caller_phone", "address"]) {
    if (form[name].value.trim()) body[name] = form[name].value.trim();
  }
  try {
    await api(`/api/outages/${outage.id}/calls`, { method: "POST", body });
    result.textContent = "已记入停水通告,请告知用户预计恢复时间。";
    status("来电已关联到停水通告");
  } catch (err) {
    result.textContent = errorText(err);
  }
}
