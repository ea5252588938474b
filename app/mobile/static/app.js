// The technician's phone at /m/: sign-in, routing between my orders and one order, the
// outbox badge, live events over SSE, and the service worker that keeps the shell offline.
import { openLive } from "/static/live.js";
import { api, auth, events, login } from "./api.js";
import { showOrder } from "./detail.js";
import { showOrders } from "./orders.js";
import * as outbox from "./outbox.js";
import { STEP_ZH } from "./steps.js";
import { $, closeSheet, errorText, fmtTime, h, toast } from "./ui.js";

function route(options) {
  if (!auth.user()) return showLogin();
  $("#account").hidden = false;
  const match = location.hash.match(/^#\/order\/(\d+)$/);
  $("#back").hidden = !match;
  $("#title").textContent = match ? "工单详情" : "我的工单";
  return match ? showOrder(Number(match[1]), options) : showOrders(options);
}

function showLogin(message = "") {
  closeSheet();
  $("#title").textContent = "外勤登录";
  $("#back").hidden = true;
  $("#account").hidden = true;
  const error = h("p", { class: "error", role: "alert" }, message);
  const form = h("form", { class: "login card", id: "login-form" },
    h("h2", {}, "自来水外勤服务"),
    h("label", { class: "field" }, h("span", {}, "用户名"),
      h("input", { name: "username", autocomplete: "username", required: true })),
    h("label", { class: "field" }, h("span", {}, "密码"),
      h("input", { name: "password", type: "password", autocomplete: "current-password",
                   required: true })),
    error, h("button", { type: "submit", class: "big primary" }, "登录"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      await login(form.username.value.trim(), form.password.value);
      connectStream();
      updateBadge(); // this user's queue, left from an earlier session, if any
      outbox.flush();
      location.hash = "#/";
      route();
    } catch (err) {
      error.textContent = err.status ? errorText(err) : "无法连接服务器,请检查网络";
    }
  };
  $("#view").replaceChildren(form);
}

async function updateBadge() {
  const count = await outbox.count();
  const badge = $("#outbox-count");
  badge.textContent = count ? `待发送 ${count}` : "已同步";
  badge.parentElement.classList.toggle("waiting", count > 0);
  const failed = await outbox.failures();
  $("#failed").hidden = !failed.length;
  $("#failed").replaceChildren(...failed.map((f) => h("div", { class: "failed" },
    h("div", {}, h("strong", {}, `未能提交:${STEP_ZH[f.action] || f.label}`),
      ` (工单 #${f.order_id},${fmtTime(f.device_time)})`),
    h("div", { class: "small" }, errorText({ body: f.body }) ),
    h("button", { type: "button", class: "plain", onclick: () => outbox.dismiss(f.seq) }, "知道了"))));
}

function updateNetwork() {
  $("#net").hidden = navigator.onLine;
  $("#net").textContent = "离线";
}

let live;
const NOTICE = {
  assignment: (p) => `新工单 ${p.number}:${p.type_name}`,
  emergency_assignment: (p) => `紧急抢修 ${p.number},请立即接单!`,
  assignment_withdrawn: (p) => `工单 ${p.number} 已撤回`,
  day_plan: () => "今日工作计划已更新",
};

// The last event seen, per user, so a new stream (after a reload) does not replay it again.
const seenKey = () => `tapline.m.seen.${auth.user()?.id}`;

function connectStream() {
  live?.close();
  if (!auth.token()) return;
  live = openLive({
    api,
    lastId: () => Number(localStorage.getItem(seenKey())) || null,
    saveLastId: (id) => localStorage.setItem(seenKey(), String(id)),
    onEvent: (message) => {
      const text = NOTICE[message.kind]?.(message.payload || {});
      if (text) toast(text, message.kind === "emergency_assignment" ? "error" : "info");
      route();
    },
    onGap: () => route(),
  });
}

let redraw;
function redrawSoon() {
  clearTimeout(redraw);
  redraw = setTimeout(() => route({ fetch: navigator.onLine }), 300);
}

function start() {
  $("#back").onclick = () => { location.hash = "#/"; };
  $("#logout").onclick = async () => {
    const left = await outbox.count();
    if (left && !confirm(`还有 ${left} 个步骤未发送,将在您再次登录后发送。确定退出?`)) return;
    live?.close();
    // End the sign-in on the server too, so a copied token stops working (best effort offline).
    const token = auth.token();
    if (token) fetch("/api/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
    auth.clear();
    updateBadge();
    showLogin();
  };
  $("#outbox").onclick = () => outbox.flush();
  window.addEventListener("hashchange", () => route());
  window.addEventListener("online", () => { updateNetwork(); outbox.flush(); });
  window.addEventListener("offline", updateNetwork);
  outbox.changes.addEventListener("change", () => { updateBadge(); redrawSoon(); });
  events.addEventListener("signed-out", () => showLogin("登录已过期,请重新登录;未发送的步骤仍保存在手机上。"));
  // No reconnect when the sign-in is renewed: an open stream stays valid (its ticket was
  // checked once, at opening), and the live client asks for its tickets through api(), which
  // renews an expired sign-in itself. Reconnecting on renewal only opened a second stream that
  // replayed the last events and redrew the screen. A signed-out client restarts at sign-in.
  updateNetwork();
  updateBadge();
  outbox.prune();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch((err) =>
      console.warn("service worker", err));
  }
  if (auth.user()) {
    connectStream();
    outbox.flush();
  }
  route();
}

start();
