// Small DOM helpers for the phone: elements, toasts, full-screen sheets, times. Chinese first.
export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "value") node.value = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// The view is replaced only when what it shows changed. Every live event and every outbox
// change asks for a redraw, and most bring nothing new: replacing the same cards anyway moved
// them under the technician's finger (and kept a test's click waiting for them to hold still).
// `key` names the data drawn; the view is redrawn too when something else replaced it.
let painted = { key: null, nodes: [] };
export function paint(key, build) {
  const view = $("#view");
  const intact = view.childNodes.length === painted.nodes.length
    && painted.nodes.every((node, i) => view.childNodes[i] === node);
  if (intact && key === painted.key) return;
  painted = { key, nodes: build() };
  view.replaceChildren(...painted.nodes);
}

// What a screen draws from, as a key for paint(): the queued steps without their attempt
// counts, which change on every retry but show nowhere.
export const drawKey = (...parts) =>
  JSON.stringify(parts, (name, value) => (name === "attempts" ? undefined : value));

let toastTimer;
export function toast(text, kind = "info") {
  const box = $("#toast");
  box.textContent = text;
  box.className = `show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.className = ""; }, kind === "error" ? 6000 : 3000);
}

const TZ = "Asia/Shanghai";
const timeFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TZ, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  hour12: false,
});
const clockFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TZ, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});
export const fmtTime = (iso) => (iso ? timeFmt.format(new Date(iso)) : "—");
export const fmtClock = (iso) => (iso ? clockFmt.format(new Date(iso)) : "—");
export const nowIso = () => new Date().toISOString();

// A value for <input type=datetime-local> in the phone's own zone, and back to ISO.
export function localInput(date) {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}
export const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

// The server writes messages as "中文 / English": the phone shows the Chinese half, and the
// field messages without the API's field names (each form says which field it is about).
const chinese = (text) => String(text).split(" / ")[0].trim();

export function errorText(err) {
  const body = err?.body || {};
  const say = (m) => (typeof m === "string" ? chinese(m) : Object.values(m).flat().map(say).join(";"));
  const fields = Object.values(body.errors || {}).map((msgs) => [].concat(msgs).map(say).join(";"));
  return [chinese(body.message || err?.message || "出错了,请重试"), ...fields].join("\n");
}

// A full-screen sheet holding one form. `submit(form)` returns a value to close with, or
// throws to keep the sheet open and show the error. Resolves null when cancelled.
export function sheet(title, content, { submitLabel = "确定", submit, wide = false } = {}) {
  const dialog = $("#sheet");
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "sheet-form", novalidate: true }, content, error,
    submit ? h("button", { type: "submit", class: "big primary", id: "sheet-submit" }, submitLabel)
      : null);
  dialog.replaceChildren(
    h("header", { class: "sheet-head" },
      h("button", { type: "button", class: "plain", id: "sheet-close" }, "‹ 返回"),
      h("strong", {}, title)),
    form);
  dialog.classList.toggle("wide", wide);
  return new Promise((resolve) => {
    const close = (value) => { dialog.close(); resolve(value); };
    $("#sheet-close", dialog).onclick = () => close(null);
    dialog.oncancel = (event) => { event.preventDefault(); close(null); };
    form.onsubmit = async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const button = $("#sheet-submit", dialog);
      button.disabled = true;
      error.textContent = "";
      try {
        close(await submit(form));
      } catch (err) {
        error.textContent = errorText(err);
      } finally {
        button.disabled = false;
      }
    };
    if (!dialog.open) dialog.showModal();
  });
}

export function closeSheet() {
  const dialog = $("#sheet");
  if (dialog.open) dialog.close();
}

export function field(label, input, hint) {
  return h("label", { class: "field" }, h("span", {}, label), input,
    hint ? h("small", { class: "muted" }, hint) : null);
}

export function choice(name, options, { type = "radio", required = true, checked } = {}) {
  return h("div", { class: "choices" }, Object.entries(options).map(([value, label]) =>
    h("label", { class: "choice" },
      h("input", { type, name, value, required: required && type === "radio",
                   checked: checked === value || (Array.isArray(checked) && checked.includes(value)) }),
      h("span", {}, label))));
}
