// The API from the phone: the signed-in technician's tokens (kept across restarts, since the
// phone must replay its queue later), one fetch wrapper, and a refresh when the access expires.
const KEY = "tapline.m.auth";

export const auth = {
  get: () => JSON.parse(localStorage.getItem(KEY) || "null"),
  user: () => auth.get()?.user || null,
  token: () => auth.get()?.access_token || null,
  set(tokens) { localStorage.setItem(KEY, JSON.stringify(tokens)); },
  clear() { localStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `服务器返回错误(${status})`);
    this.status = status;
    this.body = body || {};
  }
}

// No answer at all: offline, or the connection broke. The step may or may not have arrived.
export class Offline extends Error {
  constructor() { super("网络不可用"); }
}

export const events = new EventTarget();

export async function request(path, { method = "GET", body, form, headers = {}, retry = true } = {}) {
  const sent = { Accept: "application/json", ...headers };
  if (auth.token()) sent.Authorization = `Bearer ${auth.token()}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, { method, headers: sent, body: payload, cache: "no-store" });
  } catch {
    throw new Offline();
  }
  if (resp.status === 401 && retry && auth.get()?.refresh_token && await refresh()) {
    return request(path, { method, body, form, headers, retry: false });
  }
  if (resp.status === 401) events.dispatchEvent(new Event("signed-out"));
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  return { status: resp.status, ok: resp.ok, body: data };
}

export async function api(path, options) {
  const resp = await request(path, options);
  if (!resp.ok) throw new ApiError(resp.status, resp.body);
  return resp.body;
}

export async function login(username, password) {
  const tokens = await api("/api/auth/login", {
    method: "POST", body: { username, password }, retry: false,
  });
  if (!tokens.user.roles.includes("technician")) {
    throw new ApiError(403, { message: "此应用仅供维修工使用" });
  }
  auth.set(tokens);
  return tokens.user;
}

let refreshing;
async function refresh() {
  refreshing ||= (async () => {
    try {
      const resp = await fetch("/api/auth/refresh", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: auth.get().refresh_token }),
      });
      if (!resp.ok) return false;
      auth.set(await resp.json());
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
