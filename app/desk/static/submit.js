// One Idempotency-Key per form submission. A retry of the same submission (ours, after a
// dropped connection or a 5xx; or the agent's second click) carries the same key, so the
// server creates one order or complaint and answers the retry with the first response.
import { api, ApiError } from "./common.js";

const RETRY_DELAYS_MS = [1000, 2000, 4000];
const pending = {}; // form name -> { key, text } of the submission not yet answered

function newKey() {
  // getRandomValues works on plain-http intranet hosts too, unlike crypto.randomUUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "desk-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function retriable(err) {
  if (!(err instanceof ApiError)) return true; // the network failed: the request may have landed
  if (err.status >= 500) return true;
  return err.status === 409 && err.body.code === "idempotency_in_progress";
}

export async function submitOnce(form, path, body) {
  const text = JSON.stringify(body);
  if (pending[form]?.text !== text) pending[form] = { key: newKey(), text };
  const { key } = pending[form];
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await api(path, { method: "POST", body, headers: { "Idempotency-Key": key } });
      delete pending[form];
      return out;
    } catch (err) {
      if (!retriable(err)) delete pending[form]; // refused: a corrected form is a new submission
      if (!retriable(err) || attempt >= RETRY_DELAYS_MS.length) throw err;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
}
