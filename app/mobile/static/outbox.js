// The outbox: every step is written to IndexedDB with its Idempotency-Key and device time
// before anything is sent, then delivered in order (POST /api/sync for visit steps). A step
// leaves the outbox only with a definitive answer, in the same transaction that stores it, so
// a step is never lost; a retry reuses its key, so the server never applies it twice.
import { Offline, auth, request } from "./api.js";
import * as store from "./store.js";

const MAX_BATCH = 200;
const RETRY_FIRST_MS = 2000; // then doubling up to a minute while the network stays away
const RETRY_MAX_MS = 60000;
export const changes = new EventTarget();
const waiters = new Map(); // seq -> resolve({state, result})
let running = null;
let batchLimit = MAX_BATCH;
let retryTimer;
let retryDelay = RETRY_FIRST_MS;

const mine = (entries) => entries.filter((e) => e.user_id === auth.user()?.id);

export async function enqueue(entry) {
  const stored = { ...entry, key: crypto.randomUUID(), user_id: auth.user().id,
                   created_at: new Date().toISOString(), attempts: 0 };
  stored.seq = await store.put("outbox", stored);
  changed();
  return stored.seq;
}

// Resolves once the step is answered ({state: "done"|"failed", result}), or when it has to
// wait for the network ({state: "queued"}).
export function settle(seq) {
  return new Promise((resolve) => { waiters.set(seq, resolve); flush(); });
}

// Results are kept for the later steps that refer to them; a month is far beyond any queue.
export async function prune(days = 30) {
  const cutoff = Date.now() - days * 86400000;
  await store.tx("done", "readwrite", async (s, done) => {
    for (const record of await done(s.done.getAll())) {
      if (Date.parse(record.finished_at) < cutoff) s.done.delete(record.seq);
    }
  });
}

export const pending = async () => mine(await store.all("outbox"));
export const failures = async () => mine(await store.all("failed"));
export const count = async () => (await pending()).length;
export const dismiss = async (seq) => { await store.del("failed", seq); changed(); };

function changed() {
  changes.dispatchEvent(new Event("change"));
}

export function flush() {
  running ||= (async () => {
    let drained = false;
    try {
      drained = navigator.locks
        ? await navigator.locks.request("tapline-outbox", drain) : await drain();
    } catch (err) {
      console.warn("outbox", err);
    }
    running = null;
    const left = await pending();
    if (drained && left.length) return flush(); // enqueued while the last run was ending
    if (drained) retryDelay = RETRY_FIRST_MS;
    else scheduleRetry();
    for (const e of left) answer(e.seq, { state: "queued" });
  })();
  return running;
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, retryDelay);
  retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
}

async function drain() {
  if (!auth.user()) return false;
  for (;;) {
    const queue = (await pending()).sort((a, b) => a.seq - b.seq);
    if (!queue.length) {
      batchLimit = MAX_BATCH;
      return true;
    }
    const batch = await nextBatch(queue);
    if (batch.length && !(await SENDERS[batch[0].kind](batch))) return false;
  }
}

// The next run to send: one photo upload, or consecutive visit steps whose
// references are all known. A step referring into the run starts the next run.
async function nextBatch(queue) {
  const batch = [];
  for (const entry of queue) {
    if (batch.length && (entry.kind !== "step" || batch[0].kind !== "step")) break;
    if (batch.length >= batchLimit) break;
    const body = await resolveRefs(entry.body);
    if (body === WAITING) {
      if (batch.length) break;
      await fail(entry, { status: 0, body: { message: "所依赖的步骤不存在" } });
      return [];
    }
    if (body instanceof Failed) {
      await fail(entry, { status: 0, body: { code: "dependency_failed", message:
        `所依赖的步骤「${body.label}」未成功,此步骤未发送` } });
      return batch;
    }
    entry.body = body;
    batch.push(entry);
  }
  return batch;
}

const WAITING = Symbol("waiting");
class Failed { constructor(label) { this.label = label; } }

async function resolveRefs(value) {
  if (Array.isArray(value)) {
    const items = [];
    for (const item of value) {
      const resolved = await resolveRefs(item);
      if (resolved === WAITING || resolved instanceof Failed) return resolved;
      items.push(resolved);
    }
    return items;
  }
  if (value && typeof value === "object" && !(value instanceof Blob)) {
    if ("$ref" in value) {
      const result = await store.get("done", value.$ref);
      if (result) return result.body[value.field];
      const failed = await store.get("failed", value.$ref);
      return failed ? new Failed(failed.label) : WAITING;
    }
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = await resolveRefs(item);
      if (resolved === WAITING || resolved instanceof Failed) return resolved;
      out[key] = resolved;
    }
    return out;
  }
  return value;
}

// Count the attempt and keep the resolved body before sending: a retry sends the same bytes.
async function attempt(entries) {
  await store.tx("outbox", "readwrite", (s) => {
    for (const e of entries) {
      e.attempts += 1;
      s.outbox.put(e);
    }
  });
}

const retryable = (status, body) => status >= 500 || status === 429 || status === 401
  || (status === 409 && body?.code === "idempotency_in_progress");

const SENDERS = {
  async step(entries) {
    await attempt(entries);
    const items = entries.map((e) => ({ idempotency_key: e.key, method: e.method, path: e.path,
                                        body: e.body, device_time: e.device_time }));
    const resp = await send("/api/sync", { method: "POST", body: { items } });
    if (!resp) return false;
    if ((resp.status === 422 || resp.status === 413) && entries.length > 1) {
      batchLimit = 1; // a malformed or huge item: find it by sending one at a time
      return true;
    }
    if (!resp.ok) return settleOne(entries[0], resp);
    let clean = true;
    for (const result of resp.body.results) {
      const entry = entries.find((e) => e.key === result.idempotency_key);
      if (!entry || retryable(result.status, result.body)) clean = false;
      else await settleOne(entry, result);
    }
    return clean;
  },
  async photo([entry]) {
    await attempt([entry]);
    const form = new FormData();
    form.append("file", entry.file, entry.filename);
    for (const [name, value] of Object.entries(entry.body)) form.append(name, value);
    const resp = await send(entry.path, { method: "POST", form,
                                          headers: { "Idempotency-Key": entry.key } });
    return resp ? settleOne(entry, resp) : false;
  },
};

async function send(path, options) {
  try {
    return await request(path, options);
  } catch (err) {
    if (err instanceof Offline) return null;
    throw err;
  }
}

async function settleOne(entry, { status, body, replayed }) {
  if (retryable(status, body)) return false;
  const record = { seq: entry.seq, key: entry.key, user_id: entry.user_id, action: entry.action,
                   label: entry.label, order_id: entry.order_id, device_time: entry.device_time,
                   status, body, replayed: !!replayed, finished_at: new Date().toISOString() };
  if (status >= 200 && status < 300) await finish(entry, "done", record);
  else await fail(entry, record);
  return true;
}

async function fail(entry, record) {
  await finish(entry, "failed", {
    seq: entry.seq, key: entry.key, user_id: entry.user_id, action: entry.action,
    label: entry.label, order_id: entry.order_id, device_time: entry.device_time, ...record });
}

async function finish(entry, where, record) {
  await store.tx(["outbox", where], "readwrite", (s) => {
    s.outbox.delete(entry.seq);
    s[where].put(record);
  });
  changed();
  answer(entry.seq, { state: where, result: record });
}

function answer(seq, outcome) {
  const resolve = waiters.get(seq);
  if (resolve) {
    waiters.delete(seq);
    resolve(outcome);
  }
}
