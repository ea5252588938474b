// Evidence steps: photos from the camera, a violation report, and meter damage signed by the
// customer. Photos are queued first; the steps that cite them refer to them by queue number.
import { Offline, api } from "./api.js";
import { deliver } from "./deliver.js";
import * as geo from "./geo.js";
import * as outbox from "./outbox.js";
import { mountPad, pngBase64, strokes } from "./signature.js";
import { receipt } from "./qr.js";
import { PURPOSE_ZH, RELATION_ZH, entryFor, photoEntry, ref } from "./steps.js";
import { $, choice, errorText, field, h, sheet } from "./ui.js";

const ACCEPTED = ["image/jpeg", "image/png"];
const SHRINK_ABOVE = 4 * 1024 * 1024;

const cameraInput = (name = "photos") => h("input", {
  type: "file", name, accept: "image/*", capture: "environment", multiple: true });

// JPEG or PNG under a few MB, as the server accepts; other formats are re-encoded as JPEG.
async function shrink(file) {
  if (ACCEPTED.includes(file.type) && file.size <= SHRINK_ABOVE) return file;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 2560 / Math.max(bitmap.width, bitmap.height));
  const canvas = h("canvas", { width: Math.round(bitmap.width * scale),
                               height: Math.round(bitmap.height * scale) });
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  return new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" });
}

async function queuePhotos(ctx, input, purpose, caption = "") {
  const seqs = [];
  for (const file of input.files) {
    seqs.push(await outbox.enqueue(photoEntry(ctx.id, await shrink(file), { purpose, caption })));
  }
  return seqs;
}

export function photo(ctx) {
  return sheet("拍照", [
    field("照片 *", cameraInput()),
    field("用途", h("select", { name: "purpose" }, Object.entries(PURPOSE_ZH).map(
      ([value, label]) => h("option", { value }, label)))),
    field("说明", h("input", { name: "caption", maxlength: 200 })),
  ], {
    submitLabel: "保存照片",
    submit: async (form) => {
      if (!form.photos.files.length) throw new Error("请先拍照");
      return deliver(await queuePhotos(ctx, form.photos, form.purpose.value, form.caption.value));
    },
  });
}

export function violation(ctx) {
  return sheet("违约用水 / 窃水报告", [
    h("p", { class: "warn-box" }, "文明取证,不与客户争执;报告将转交稽查部门处理。"),
    field("类型 *", choice("kind", { violation: "违约用水", theft: "窃水" })),
    field("情况说明 *", h("textarea", { name: "notes", rows: 4, required: true, minlength: 2,
                                        maxlength: 4000 })),
    field("现场照片", cameraInput()),
    h("label", { class: "choice" }, h("input", { type: "checkbox", name: "aggressive" }),
      h("span", {}, "客户态度蛮横(已报告,未争执)")),
  ], {
    submitLabel: "提交报告",
    submit: async (form) => {
      const photos = await queuePhotos(ctx, form.photos, "violation");
      const body = await geo.stamp({ kind: form.kind.value, notes: form.notes.value.trim(),
        photo_ids: photos.map((seq) => ref(seq)), customer_aggressive: form.aggressive.checked });
      const seq = await outbox.enqueue(entryFor("violations", ctx.id, body));
      return deliver([...photos, seq]);
    },
  });
}

const PARTS = ["表玻璃", "表壳", "表盘/指针", "表前阀", "表后阀", "铅封", "保温/防冻设施"];

export async function meterDamage(ctx) {
  let record;
  const done = await sheet("表具损坏记录", [
    h("p", { class: "muted" }, "因用户责任引起的计量装置损坏:与客户共同分析原因,由客户确认签字。"),
    field("表号 *", h("input", { name: "meter_number", required: true, maxlength: 40,
                                 value: ctx.order.meter_number || "" })),
    field("损坏部位 *", choice("parts", Object.fromEntries(PARTS.map((p) => [p, p])),
                              { type: "checkbox" })),
    field("其他部位", h("input", { name: "other_part", maxlength: 100 })),
    field("损坏情况", h("textarea", { name: "description", rows: 2, maxlength: 4000 })),
    field("与客户确认的原因 *", h("textarea", { name: "cause", rows: 3, required: true,
                                               minlength: 2, maxlength: 2000 })),
    h("div", { class: "pair" },
      field("收费项目", h("input", { name: "charge_item", maxlength: 100 })),
      field("金额(元)", h("input", { name: "charge_amount", type: "number", min: 0, step: "0.01" }))),
    field("现场照片", cameraInput()),
  ], {
    submitLabel: "下一步:客户签字",
    submit: async (form) => {
      record = damageBody(form);
      const photos = await queuePhotos(ctx, form.photos, "damage");
      const body = await geo.stamp({ ...record, photo_ids: photos.map((seq) => ref(seq)) });
      const seq = await outbox.enqueue(entryFor("meter-damage", ctx.id, body));
      const result = await deliver([...photos, seq]);
      return result === "queued" ? ref(seq) : result.body.id;
    },
  });
  return done === null ? null : sign(ctx, done, record);
}

function damageBody(form) {
  const parts = [...form.querySelectorAll("[name=parts]:checked")].map((box) => box.value);
  if (form.other_part.value.trim()) parts.push(form.other_part.value.trim());
  if (!parts.length) throw new Error("请选择损坏部位");
  const body = { meter_number: form.meter_number.value.trim(), damaged_parts: parts,
                 description: form.description.value.trim(), cause: form.cause.value.trim() };
  if (form.charge_item.value.trim() || form.charge_amount.value) {
    body.charge_item = form.charge_item.value.trim() || null;
    body.charge_amount = form.charge_amount.value ? Number(form.charge_amount.value).toFixed(2) : null;
  }
  return body;
}

// The customer reads what they sign, gives name and relation, and signs with a finger.
export function sign(ctx, damageId, record) {
  const canvas = h("canvas", { id: "signature-pad", class: "pad" });
  const summary = h("dl", { class: "signed-summary" },
    h("dt", {}, "工单"), h("dd", {}, ctx.order.number),
    h("dt", {}, "表号"), h("dd", {}, record.meter_number),
    h("dt", {}, "损坏部位"), h("dd", {}, record.damaged_parts.join("、")),
    h("dt", {}, "原因"), h("dd", {}, record.cause),
    h("dt", {}, "收费"), h("dd", {}, record.charge_item
      ? `${record.charge_item} ${record.charge_amount} 元` : "无"));
  let pad;
  let remote = false;
  const onOwnPhone = () => { remote = true; $("#sheet-close").click(); };
  const opened = sheet("客户确认签字", [
    h("p", { class: "muted" }, "请客户核对以下内容,确认无误后签字。签字后内容不可更改。"),
    summary,
    field("签字人姓名 *", h("input", { name: "signer_name", required: true, maxlength: 100 })),
    field("与户主关系 *", choice("signer_relation", RELATION_ZH)),
    h("div", { class: "pad-box" }, h("span", { class: "muted" }, "请在框内签字"), canvas,
      h("button", { type: "button", class: "plain", onclick: () => pad.clear() }, "清除重签")),
    h("button", { type: "button", class: "big", id: "remote-sign", onclick: onOwnPhone },
      "客户想在自己手机上签字"),
  ], {
    submitLabel: "确认签字",
    submit: async (form) => {
      if (pad.isEmpty()) throw new Error("请客户在框内签字");
      const body = await geo.stamp({
        document_kind: "meter_damage", work_order_id: ctx.id, damage_record_id: damageId,
        signer_name: form.signer_name.value.trim(), signer_relation: form.signer_relation.value,
        strokes: strokes(pad), png_base64: pngBase64(pad),
        user_agent: navigator.userAgent.slice(0, 300),
      });
      return deliver(await outbox.enqueue(entryFor("sign", ctx.id, body)));
    },
  });
  pad = mountPad($("#signature-pad"));
  return opened.then((result) => {
    if (remote) return remoteSign(ctx, damageId);
    return result?.body?.id ? receipt(ctx, result.body.id) : result;
  });
}

// R3.7: the customer signs on their own phone. The server texts them a link and a one-time
// code; this phone waits and shows the receipt once they have signed.
async function remoteSign(ctx, damageId) {
  const asked = await sheet("客户在自己手机上签字", [
    h("p", { class: "muted" },
      "系统会给客户手机发一条短信,里面有签字链接和6位验证码。客户打开链接核对内容,输入验证码后签字。"),
    field("客户手机号 *", h("input", { name: "phone", type: "tel", required: true, maxlength: 20,
                                     value: ctx.order.caller_phone || "" })),
    field("签字人姓名 *", h("input", { name: "signer_name", required: true, maxlength: 100 })),
    field("与户主关系 *", choice("signer_relation", RELATION_ZH)),
  ], {
    submitLabel: "发送签字短信",
    submit: async (form) => {
      try {
        return await api("/api/signatures/remote-requests", { method: "POST", body: {
          document_kind: "meter_damage", work_order_id: ctx.id, damage_record_id: damageId,
          phone: form.phone.value.trim(), signer_name: form.signer_name.value.trim(),
          signer_relation: form.signer_relation.value,
        } });
      } catch (err) {
        if (err instanceof Offline) throw new Error("发送签字短信需要联网,请联网后再试");
        throw err;
      }
    },
  });
  return asked ? waitForSignature(ctx, asked) : null;
}

const WAITING_ZH = {
  expired: "签字链接已过期,请返回重新发送。",
  locked: "客户验证码输错次数过多,请返回重新发送。",
  replaced: "已重新发送了签字短信。",
};

function waitForSignature(ctx, asked) {
  const status = h("p", { id: "remote-status", role: "status" }, "等待客户签字…");
  let timer;
  const poll = async () => {
    try {
      const now = await api(`/api/signatures/remote-requests/${asked.id}`);
      if (now.status === "signed") {
        $("#sheet-close").click(); // resolves the waiting sheet, which opens the receipt
        return;
      }
      if (WAITING_ZH[now.status]) {
        status.textContent = WAITING_ZH[now.status];
        return;
      }
      status.textContent = "等待客户签字…";
    } catch (err) {
      status.textContent = err instanceof Offline ? "网络不通,联网后会继续等待。" : errorText(err);
    }
    timer = setTimeout(poll, 3000);
  };
  const waiting = sheet("等待客户签字", [
    h("p", {}, `签字短信已发到 ${asked.phone}。请客户打开短信里的链接,核对内容,输入验证码后签字。`),
    status,
    h("p", { class: "muted" }, "客户签字后,这里会自动显示签字回执。"),
  ]);
  timer = setTimeout(poll, 1500);
  return waiting.then(async () => {
    clearTimeout(timer);
    const now = await api(`/api/signatures/remote-requests/${asked.id}`).catch(() => null);
    return now?.signature_id ? receipt(ctx, now.signature_id) : ctx.reload();
  });
}
