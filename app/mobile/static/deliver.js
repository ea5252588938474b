// Hand steps to the outbox and tell the technician what became of them: sent, refused (the
// sheet stays open with the server's reason) or kept on the phone until the network returns.
import { ApiError } from "./api.js";
import * as outbox from "./outbox.js";
import { toast } from "./ui.js";

export async function deliver(seqs) {
  const outcomes = [];
  for (const seq of [].concat(seqs)) outcomes.push([seq, await outbox.settle(seq)]);
  const refused = outcomes.filter(([, o]) => o.state === "failed");
  if (refused.length) {
    for (const [seq] of refused) await outbox.dismiss(seq); // shown here, not in the banner
    const { status, body } = refused[0][1].result;
    throw new ApiError(status, body);
  }
  if (outcomes.some(([, o]) => o.state === "queued")) {
    toast("已保存在手机上,联网后自动发送 / saved, will be sent when online", "queued");
    return "queued";
  }
  toast("已提交 / sent", "ok");
  return outcomes.at(-1)[1].result;
}

// Enqueue one step and deliver it.
export async function send(entry) {
  return deliver(await outbox.enqueue(entry));
}
