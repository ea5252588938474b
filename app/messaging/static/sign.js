// The customer signs on their own phone (R3.7): the one-time code from the SMS, the name,
// and a finger signature; the same pad and stroke format as the technician's phone.
import { mountPad, pngBase64, strokes } from "/m/static/signature.js";

const form = document.getElementById("sign-form");
const error = document.getElementById("error");
const pad = mountPad(document.getElementById("pad"));

// What the customer reads when the server refuses: plain Chinese, never a code.
const REFUSED = {
  link_expired: "签字链接已经过期,请让维修师傅重新发送。",
  link_replaced: "维修师傅已经重新发送了签字短信,请打开最新的一条。",
  link_locked: "验证码输错次数过多,请让维修师傅重新发送签字短信。",
  link_signed: "这份确认书已经签过字了。",
  link_forged: "这个链接无效,请核对短信里的链接。",
  already_signed: "这份确认书已经签过字了。",
};

function show(message) {
  error.textContent = message;
  error.hidden = false;
}

document.getElementById("clear").addEventListener("click", () => pad.clear());

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const code = form.code.value.trim();
  if (!/^[0-9]{6}$/.test(code)) return show("请输入短信里的6位数字验证码。");
  if (!form.signer_name.value.trim()) return show("请写上签字人姓名。");
  if (pad.isEmpty()) return show("请在框内签字。");
  const button = document.getElementById("submit");
  button.disabled = true;
  button.textContent = "正在提交…";
  try {
    const response = await fetch(`/api/sign/${encodeURIComponent(form.dataset.token)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        code, signer_name: form.signer_name.value.trim(),
        signer_relation: form.signer_relation.value,
        strokes: strokes(pad), png_base64: pngBase64(pad),
        user_agent: navigator.userAgent.slice(0, 300),
      }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      if (body.code === "wrong_code") {
        show(body.tries_left > 0
          ? `验证码不对,请核对短信。还可以再试 ${body.tries_left} 次。`
          : "验证码输错次数过多,请让维修师傅重新发送签字短信。");
      } else {
        show(REFUSED[body.code] || "提交没有成功,请稍后再试,或拨打客服热线。");
      }
      return;
    }
    form.hidden = true;
    document.getElementById("verification-code").textContent = body.verification_code;
    document.getElementById("receipt").href = body.receipt_url;
    document.getElementById("done").hidden = false;
  } catch {
    show("网络不通,请检查手机网络后再点一次“确认签字”。");
  } finally {
    button.disabled = false;
    button.textContent = "确认签字";
  }
});
