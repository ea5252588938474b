// The order's timeline (its events, newest first, with the steps still waiting on top; each
// event in the server's own plain sentence, app/workorders/timeline.py) and
// photo thumbnails, which need the bearer token and so are fetched rather than linked.
import { auth } from "./api.js";
import { STEP_ZH, eventLabel } from "./steps.js";
import { fmtTime, h } from "./ui.js";

const thumbs = new Map();

export function photoThumb(url, caption, local = false) {
  const img = h("img", { alt: caption || "照片", loading: "lazy" });
  const box = h("figure", { class: "thumb" }, img, caption ? h("figcaption", {}, caption) : null);
  if (local) img.src = url;
  else loadThumb(url).then((src) => { if (src) img.src = src; });
  return box;
}

async function loadThumb(url) {
  if (!thumbs.has(url)) {
    thumbs.set(url, fetch(url, { headers: { Authorization: `Bearer ${auth.token()}` } })
      .then((resp) => (resp.ok ? resp.blob() : null))
      .then((blob) => (blob ? URL.createObjectURL(blob) : null))
      .catch(() => { thumbs.delete(url); return null; }));
  }
  return thumbs.get(url);
}

export function timeline(ctx) {
  const waiting = [...ctx.pending].reverse().map((e) => h("li", { class: "pending" },
    h("div", {}, h("strong", {}, STEP_ZH[e.action] || e.label), h("span", { class: "badge queued" }, "待发送")),
    h("small", {}, `设备时间 ${fmtTime(e.device_time)}`)));
  const events = [...(ctx.order.timeline || [])].sort((a, b) => b.id - a.id).map((e) =>
    h("li", { dataset: { kind: e.kind } },
      h("div", {}, h("strong", {}, e.label || eventLabel(e.kind)),
        h("span", { class: "muted" }, fmtTime(e.server_time))),
      e.sentence ? h("small", { class: "sentence" }, e.sentence) : null,
      e.device_time && Math.abs(new Date(e.device_time) - new Date(e.server_time)) > 60000
        ? h("small", { class: "muted" }, `设备时间 ${fmtTime(e.device_time)}`) : null));
  return h("section", { class: "card" }, h("h3", {}, "工单动态"),
    h("ol", { class: "timeline", id: "timeline" }, waiting, events));
}
