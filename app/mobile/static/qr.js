// QR codes for the customer, drawn by the server (SVG): the ID check, which opens the public
// verify page and records "customer verified ID", and the satisfaction form link.
import { Offline, api } from "./api.js";
import { errorText, fmtClock, fmtTime, h, sheet, toast } from "./ui.js";

// The server's SVG is made for inline use: as an image it needs its namespace, and a viewBox
// to scale to the screen (an <img> also keeps any markup in it from running).
function qrImage(svg, id) {
  const [, width, height] = svg.match(/<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/) || [];
  let standalone = svg.includes("xmlns=") ? svg
    : svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"');
  if (width && !svg.includes("viewBox")) {
    standalone = standalone.replace("<svg", `<svg viewBox="0 0 ${width} ${height}"`);
  }
  return h("img", { id, class: "qr", alt: "二维码",
                    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(standalone)}` });
}

function tokenId(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).jti;
  } catch {
    return null;
  }
}

async function issue(path) {
  try {
    return await api(path, { method: "POST" });
  } catch (err) {
    if (err instanceof Offline) throw new Error("二维码需要联网生成");
    throw err;
  }
}

export async function idCheck(ctx) {
  let link;
  try {
    link = await issue(`/api/workorders/${ctx.id}/id-check`);
  } catch (err) {
    toast(errorText(err), "error");
    return;
  }
  const state = h("p", { id: "verify-state", class: "waiting" }, "等待客户扫码核验…");
  const expires = h("p", { class: "muted" }, `有效至 ${fmtClock(link.expires_at)}(约10分钟)`);
  let polling = true;
  const shown = sheet("出示身份核验二维码", [
    h("p", {}, "请客户用手机扫描二维码,核对工作人员姓名、照片和工单。"),
    qrImage(link.qr_svg, "id-qr"),
    h("p", { class: "qr-url" }, h("a", { id: "verify-url", href: link.url, target: "_blank",
                                         rel: "noopener" }, link.url)),
    expires, state,
  ]);
  watchVerification(ctx, tokenId(link.token), state, () => polling);
  await shown;
  polling = false;
  ctx.reload();
}

async function watchVerification(ctx, jti, state, active) {
  while (active()) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (!active()) return;
    const order = await api(`/api/workorders/${ctx.id}`).catch(() => null);
    const event = order?.timeline?.find((e) => e.kind === "customer_verified_id"
      && (!jti || e.payload?.jti === jti));
    if (event) {
      state.className = "verified";
      state.textContent = `✓ 客户已核验身份(${fmtTime(event.server_time)})`;
      toast("客户已核验您的身份", "ok");
      return;
    }
  }
}

export async function surveyLink(ctx) {
  let link;
  try {
    link = await issue(`/api/workorders/${ctx.id}/satisfaction-link`);
  } catch (err) {
    toast(errorText(err), "error");
    return;
  }
  await sheet("客户手机填写征求意见书", [
    h("p", {}, "请客户扫码,在自己的手机上填写(7天内有效,仅可提交一次,无需登录)。"),
    qrImage(link.qr_svg, "survey-qr"),
    h("p", { class: "qr-url" }, h("a", { id: "survey-url", href: link.url, target: "_blank",
                                         rel: "noopener" }, link.url)),
    h("p", { class: "muted" }, `有效至 ${fmtTime(link.expires_at)}`),
  ]);
  ctx.reload();
}

// After the customer signed for meter damage: the receipt as a QR code for the customer's
// phone, the link itself, and the print-friendly page for a portable printer.
export async function receipt(ctx, signatureId) {
  let signature;
  try {
    signature = await api(`/api/signatures/${signatureId}`);
  } catch (err) {
    toast(err instanceof Offline ? "回执需要联网获取,请联网后再点" : errorText(err), "error");
    return;
  }
  await sheet("交给客户签字回执", [
    h("p", {}, "请客户用手机扫码保存回执;也可打开回执页打印。"),
    qrImage(signature.receipt.qr_svg, "receipt-qr"),
    h("p", { class: "qr-url" }, h("a", { id: "receipt-url", href: signature.receipt.url,
                                         target: "_blank", rel: "noopener" }, signature.receipt.url)),
    h("a", { class: "big", id: "receipt-print", href: signature.receipt.url, target: "_blank",
             rel: "noopener" }, "打开回执页(可打印)"),
    h("p", { class: "muted" }, `核验码 ${signature.verification_code}`),
  ]);
  ctx.reload();
}
