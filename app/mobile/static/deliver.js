// Hand steps to the outbox and tell the technician what became of them: sent, refused (the
// sheet stays open with the server's reason) or kept on the phone until the network returns.
import { ApiError } from "./api.js";
import * as outbox from "./outbox.js";
import { toast } from "./ui.js";

export async function deliver(seqs, { quiet = false } = {}) {
  const outcomes = [];
  for (const seq of [].concat(seqs)) outcomes.push([seq, await outbox.settle(seq)]);
  const refused = outcomes.filter(([, o]) => o.state === "failed");
  if (refused.length) {
    for (const [seq] of refused) await outbox.dismiss(seq); // shown here, not in the banner
    const { status, body } = refused[0][1].result;
    throw new ApiError(status, body);
  }
  if (outcomes.some(([, o]) => o.state === "queued")) {
    if (!quiet) toast("已保存在手机上,联网后自动发送", "queued");
    return "queued";
  }
  if (!quiet) toast("已提交", "ok");
  return outcomes.at(-1)[1].result;
}

// Enqueue one step and deliver it.
// quiet: the screen itself shows the outcome (a ticked checklist row), so no toast over it.
export async function send(entry, options) {
  return deliver(await outbox.enqueue(entry), options);
}
