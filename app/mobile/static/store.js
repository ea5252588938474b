// IndexedDB, promised. Stores: outbox (queued steps, in order), done (their results, for
// later steps that refer to them), failed (refused steps the technician must see), cache
// (the last orders and details read from the API, for reading offline).
const NAME = "tapline-m";
const VERSION = 1;
export const STORES = ["outbox", "done", "failed", "cache"];
let opening;

export function open() {
  opening ||= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      db.createObjectStore("done", { keyPath: "seq" });
      db.createObjectStore("failed", { keyPath: "seq" });
      db.createObjectStore("cache", { keyPath: "key" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

// Run fn(stores) in one transaction; resolves with fn's value once the transaction commits.
export async function tx(names, mode, fn) {
  const db = await open();
  const transaction = db.transaction(names, mode);
  const stores = Object.fromEntries([].concat(names).map((n) => [n, transaction.objectStore(n)]));
  const finished = new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("aborted"));
  });
  const value = await fn(stores, done);
  await finished;
  return value;
}

export const get = (name, key) => tx(name, "readonly", (s) => done(s[name].get(key)));
export const all = (name) => tx(name, "readonly", (s) => done(s[name].getAll()));
export const put = (name, value) => tx(name, "readwrite", (s) => done(s[name].put(value)));
export const del = (name, key) => tx(name, "readwrite", (s) => done(s[name].delete(key)));

export async function cached(key) {
  return (await get("cache", key))?.value;
}
export const remember = (key, value) => put("cache", { key, value, at: Date.now() });
