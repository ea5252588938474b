// Shared by every office screen: sign-in, the navigation of the roles a person holds, labels
// from the server, clocks counting down, forms that show errors in Chinese, downloads.
import { $, ApiError, api, auth, fill, h, showNavigation, signIn } from "/desk/static/common.js";
import { explain } from "/desk/static/errors.js";

export { $, api, fill, h };

const OFFICE_ROLES = ["hotline_agent", "dispatcher", "department_lead", "general_manager", "admin"];
export const ctx = { user: null, roles: [], departments: [], labels: {} };

export const has = (...roles) => roles.some((role) => ctx.roles.includes(role));
// The lead's steps on a complaint: only on their departments' (a lead who also takes hotline
// calls sees every complaint, as an agent; the API answers the others' lead steps with 404).
export const leads = (c) => has("department_lead") && Boolean(c.department) && ctx.departments.includes(c.department.id);
// A code's Chinese word; an unknown code shows nothing rather than the raw key.
export const word = (table, code) => (ctx.labels[table] || {})[code] || "";
word.table = (table) => ctx.labels[table] || {};

// "department_lead:wang01" with the name 王主任 -> "部门领导 王主任"; "system:..." -> "系统".
export function actor(label, displayName) {
  const [role, username] = String(label).split(":");
  if (role === "system" || !username) return "系统";
  return `${word("roles", role)} ${displayName || username}`;
}

export function startScreen(key, render) {
  signIn.start(OFFICE_ROLES, async (user) => {
    const me = await showNavigation($("#office-nav"), key);
    Object.assign(ctx, { user, roles: me.roles, departments: me.departments, labels: me.labels });
    if (!me.pages.includes(key)) {
      $("#refused").hidden = false;
      return;
    }
    $("#office-main").hidden = false;
    await render($("#office-main"), user, me);
  });
}

const dateTime = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hour12: false,
});
export const when = (iso) => (iso ? dateTime.format(new Date(iso)) : "—");

function span(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return `${days ? `${days}天` : ""}${hours}小时${minutes % 60}分`;
}

// A clock's remaining time, kept current by one timer for the whole page.
export function countdown(dueIso) {
  const node = h("span", { class: "countdown", "data-due": dueIso });
  tick(node);
  return node;
}

function tick(node) {
  const left = new Date(node.dataset.due) - Date.now();
  node.textContent = left >= 0 ? `剩余${span(left)}` : `已超时${span(left)}`;
  node.classList.toggle("over", left < 0);
}

setInterval(() => document.querySelectorAll("[data-due]").forEach(tick), 1000);

export function deadlineBadge(state) {
  return h("span", { class: `badge deadline-${state}` }, word("deadlines", state));
}

// A refusal in Chinese sentences naming the fields by their labels (the desk's errors.js).
export function errorText(err, fieldLabels = {}) {
  if (!(err instanceof ApiError)) return "网络异常,请重试";
  return explain(err, fieldLabels);
}

// A small form: fields [{name, label, type, options, required}], errors shown in Chinese.
export function actionForm({ title, fields, submit, onSubmit, id }) {
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "action-form", id },
    title ? h("h4", {}, title) : null,
    fields.map(field),
    error,
    h("button", { type: "submit", class: "primary" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onSubmit(values(form, fields), form);
    } catch (err) {
      error.textContent = errorText(err, labels);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function field(f) {
  if (f.type === "checkbox") {
    return h("label", { class: "check" }, h("input", { type: "checkbox", name: f.name }), f.label);
  }
  let input;
  if (f.type === "textarea") input = h("textarea", { name: f.name, rows: f.rows || 3, required: f.required });
  else if (f.type === "select") {
    input = h("select", { name: f.name, required: f.required },
      f.options.map(([value, text]) => h("option", { value }, text)));
  } else input = h("input", { name: f.name, type: f.type || "text", required: f.required, accept: f.accept });
  return h("label", {}, f.label, " ", input);
}

function values(form, fields) {
  const out = {};
  for (const f of fields) {
    const input = form.elements[f.name];
    if (f.type === "checkbox") out[f.name] = input.checked;
    else if (f.type === "file") out[f.name] = input.files[0] || null;
    else if (input.value.trim() !== "") out[f.name] = f.type === "select" && f.number ? Number(input.value) : input.value.trim();
  }
  return out;
}

async function fetchAuthed(path, query = {}, init = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") url.searchParams.set(key, value);
  const resp = await fetch(url, { ...init, headers: { Authorization: `Bearer ${auth.token()}`, ...(init.headers || {}) } });
  if (!resp.ok) throw new ApiError(resp.status, await resp.json().catch(() => null));
  return resp;
}

// Save a file the API produces (CSV, XLSX, an archived document) under `name`.
export async function download(path, query, name) {
  const blob = await (await fetchAuthed(path, query)).blob();
  const link = h("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

// Open a printable page the API renders (server-escaped HTML) in a new window.
export async function openPrintable(path, query = {}) {
  const blob = await (await fetchAuthed(path, { ...query })).blob();
  const url = URL.createObjectURL(new Blob([blob], { type: "text/html" }));
  return window.open(url, "_blank");
}

export async function upload(path, formData) {
  const resp = await fetchAuthed(path, {}, { method: "POST", body: formData });
  return resp.json();
}

export function table(headers, rows, attrs = {}) {
  return h("table", { class: "grid", ...attrs },
    h("thead", {}, h("tr", {}, headers.map((text) => h("th", {}, text)))),
    h("tbody", {}, rows));
}
