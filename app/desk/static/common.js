// Shared by the desk and the console: sign-in, the API, small DOM helpers. Chinese first.
import { chinese, explain } from "./errors.js";

const TOKEN = "tapline.token";
const USER = "tapline.user";

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// Map labels (Leaflet tooltips, popups, divIcon html) are given as nodes, never as HTML strings:
// names typed by staff (an order type, a technician) may hold markup, and must show as text.
export const textTip = (text) => h("span", {}, String(text ?? ""));

// replaceChildren, leaving out null/false (a missing section must not print "null").
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const auth = {
  token: () => sessionStorage.getItem(TOKEN),
  user: () => JSON.parse(sessionStorage.getItem(USER) || "null"),
  set(token, user) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(USER, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(chinese(body?.message || "") || `操作未成功(${status}),请稍后再试。`);
    this.status = status;
    this.body = body || {};
  }
  // Sentences naming the fields as the page labels them (errors.js); `form` finds the labels.
  text(form) {
    return explain(this, form);
  }
}

export async function api(path, { method = "GET", body, query, headers: extra } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    for (const v of [].concat(value)) if (v !== undefined && v !== null && v !== "") {
      url.searchParams.append(key, v);
    }
  }
  const headers = { Accept: "application/json", ...extra };
  if (auth.token()) headers.Authorization = `Bearer ${auth.token()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (resp.status === 401) {
    auth.clear();
    signIn.show("登录已过期,请重新登录。");
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

// The sign-in dialog: resolves once a user with one of `roles` is signed in.
export const signIn = {
  roles: [],
  onReady: null,
  show(message = "") {
    const dialog = $("#login-dialog");
    $("#login-error").textContent = message;
    if (!dialog.open) dialog.showModal();
    $("input[name=username]", dialog).focus();
  },
  async start(roles, onReady) {
    this.roles = roles;
    this.onReady = onReady;
    $("#login-form").addEventListener("submit", (event) => this.submit(event));
    $("#logout").addEventListener("click", async () => {
      // End the sign-in on the server too, so the token stops working everywhere.
      await api("/api/auth/logout", { method: "POST" }).catch(() => {});
      auth.clear();
      location.reload();
    });
    if (auth.token() && !auth.user()) {
      // A token without its user (e.g. handed over by another page): ask who it is.
      const me = await api("/api/auth/me").catch(() => null);
      if (me) auth.set(auth.token(), me);
    }
    if (auth.token() && this.allowed(auth.user())) return this.ready(auth.user());
    this.show();
  },
  // A person may hold several roles: any one the page serves lets them in.
  allowed(user) {
    const held = user?.roles || [];
    return Boolean(user) && (!this.roles.length || held.some((role) => this.roles.includes(role)));
  },
  async submit(event) {
    event.preventDefault();
    const form = event.target;
    try {
      const tokens = await api("/api/auth/login", {
        method: "POST", body: { username: form.username.value, password: form.password.value },
      });
      if (!this.allowed(tokens.user)) {
        $("#login-error").textContent = "此页面不适用于您的账号角色,请换一个账号登录。";
        return;
      }
      auth.set(tokens.access_token, tokens.user);
      form.reset();
      $("#login-dialog").close();
      this.ready(tokens.user);
    } catch (err) {
      $("#login-error").textContent = errorText(err, form);
    }
  },
  ready(user) {
    $("#who").textContent = `${user.display_name}(${user.username})`;
    $("#logout").hidden = false;
    const nav = $("#office-nav[data-current]");
    if (nav) showNavigation(nav, nav.dataset.current).catch(() => {});
    this.onReady?.(user);
  },
};

// One navigation for the office, the desk and the console: the screens of every role the
// person holds (GET /api/office/screens), the current one marked. Returns what the API said.
export async function showNavigation(nav, current) {
  const me = await api("/api/office/screens");
  fill(nav, me.screens.map((s) =>
    h("a", { href: s.href, "aria-current": s.key === current ? "page" : null }, s.title)));
  return me;
}

const timeFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  hour12: false,
});
export const fmtTime = (iso) => (iso ? timeFormat.format(new Date(iso)) : "—");

export const SLA = { on_track: "正常", at_risk: "临近超时", breached: "已超时" };

export function slaBadge(state) {
  return h("span", { class: `badge sla-${state}` }, SLA[state] || state);
}

export function status(text) {
  $("#status-line").textContent = text;
}

export function debounce(fn, ms = 250) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// What to show for any failure: the API's, in field sentences; anything else (no answer).
export function errorText(err, form) {
  if (err instanceof ApiError) return err.text(form);
  return "无法连接服务器,请检查网络后重试。";
}
