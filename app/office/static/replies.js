// A reply as every role sees it: the exact text, its approvals, and the steps of the roles
// held: the lead submits a sensitive draft, the general manager approves or sends it back
// (signing the sha256 of the very text on screen), the lead or agent marks it sent.
import { actionForm, actor, api, fill, h, has, leads, when, word } from "./office.js";

async function sha256(text) {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function renderReply(c, r, onDone) {
  const base = `/api/complaints/${c.id}/replies/${r.id}`;
  const body = h("pre", { class: "reply-body" }, r.body);
  const steps = [];
  const open = c.status === "in_progress" || c.status === "resolved";
  if (leads(c) && open && r.status === "draft" && c.sensitive) {
    steps.push(h("button", {
      type: "button", class: "primary submit-reply",
      onclick: async () => { await api(`${base}/submit`, { method: "POST", body: {} }); await onDone("已送总经理批示"); },
    }, "送分管领导、总经理批示"));
  }
  if (has("general_manager") && r.status === "submitted") steps.push(decision(base, body, onDone));
  const approved = r.approvals.some((a) => a.decision === "approved" && a.body_sha256 === r.body_sha256);
  const sendable = open && !["sent", "rejected", "submitted"].includes(r.status) && (!c.sensitive || approved);
  if (has("department_lead", "hotline_agent") && sendable) {
    steps.push(actionForm({
      id: `sent-form-${r.id}`, submit: "已发出答复",
      fields: [{ name: "via", label: "发出方式", type: "select", options: Object.entries(word.table("sent_via")) }],
      onSubmit: async (v) => { await api(`${base}/sent`, { method: "POST", body: v }); await onDone("答复已发出"); },
    }));
  }
  return h("article", { class: `reply reply-${r.status}`, "data-reply": r.id },
    h("p", {}, h("span", { class: "badge" }, word("replies", r.status)), ` 起草于 ${when(r.drafted_at)}`,
      r.sent_at ? `,${when(r.sent_at)}经${word("sent_via", r.sent_via)}发出` : ""),
    body,
    r.approvals.map((a) => h("p", { class: `approval approval-${a.decision}` },
      `${a.decision === "approved" ? "批准签发" : "退回"}:${a.signer_name} ${when(a.signed_at)}`,
      a.comment ? `,批示:${a.comment}` : "",
      h("br"), h("small", { class: "muted" }, `所签文本指纹 ${a.body_sha256.slice(0, 16)}…`))),
    steps);
}

function decision(base, body, onDone) {
  const comment = h("textarea", { name: "comment", rows: 2, placeholder: "批示意见(退回时必填)" });
  const error = h("p", { class: "error", role: "alert" });
  const decide = (verdict) => async () => {
    if (verdict === "rejected" && !comment.value.trim()) {
      error.textContent = "退回时请写明意见";
      return;
    }
    try {
      // The fingerprint of the text shown on this screen: the server refuses another text.
      const seen = await sha256(body.textContent);
      await api(`${base}/approval`, {
        method: "POST", body: { decision: verdict, comment: comment.value.trim(), body_sha256: seen },
      });
      await onDone(verdict === "approved" ? "已批准签发" : "已退回");
    } catch (err) {
      fill(error, String(err.message).split(" / ")[0]);
    }
  };
  return h("div", { class: "decision" }, h("label", {}, "批示意见 ", comment), error,
    h("button", { type: "button", class: "primary approve", onclick: decide("approved") }, "批准并签发"),
    " ",
    h("button", { type: "button", class: "reject", onclick: decide("rejected") }, "退回修改"));
}

