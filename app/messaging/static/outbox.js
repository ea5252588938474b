// 短信发件箱: every SMS the system asked for, its state, and each attempt with the answer.
import { $, api, errorText, fill, fmtTime, h, signIn, status } from "/desk/static/common.js";

const STATUS = { pending: "待发送", sent: "已发送", failed: "发送失败", opted_out: "用户已退订", invalid: "号码无效" };
const HELD = { quiet_hours: "免打扰时段后发送", rate_limit: "发送过于频繁,稍后发送", retry: "等待重试" };
const PROVIDERS = { dev: "开发发件箱", aliyun: "阿里云短信", tencent: "腾讯云短信" };

signIn.start(["admin", "dispatcher"], start);

async function start() {
  $("#sms-filter").addEventListener("submit", (event) => {  // no inline handler under the CSP
    event.preventDefault();
    load();
  });
  await load();
}

async function load() {
  const form = $("#sms-filter");
  try {
    const page = await api("/api/sms/messages", {
      query: { status: form.status.value, phone: form.phone.value.trim(), per_page: 100 },
    });
    $("#sms-total").textContent = `共 ${page.total} 条`;
    fill($("#sms-rows"), page.items.map(row));
    status("");
  } catch (err) {
    status(errorText(err));
  }
}

function row(m) {
  const held = m.status === "pending" && m.deferred_reason ? `(${HELD[m.deferred_reason] || "稍后发送"})` : "";
  return h("tr", {},
    h("td", {}, fmtTime(m.created_at)),
    h("td", {}, m.kind_label),
    h("td", {}, m.phone),
    h("td", { class: "text" }, m.text || (m.status === "pending" ? "(发送时生成内容)" : "(未发送)")),
    h("td", { class: `st-${m.status}` }, STATUS[m.status] + held),
    h("td", {}, m.attempt_log.map((a) =>
      h("span", { class: "attempt", title: a.ok ? "" : (a.answer.message || "") },
        `${fmtTime(a.at)} ${PROVIDERS[a.provider] || "短信服务商"}:`,
        a.ok ? "成功" : a.retryable ? "失败,稍后重试" : "失败,服务商拒绝发送"))));
}
