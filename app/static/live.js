// Live events for the phone and the consoles. The stream opens with a single-use ticket
// (POST /api/events/ticket), never with the access token in the URL. When the live channel is
// unavailable (Redis down: the ticket or the stream says so) the notifications are polled
// from /api/notifications, and the stream is tried again until live returns. A gap event
// means more was missed than the server replays: the screen refetches what it shows.
//
//   const live = openLive({ api, onEvent, onState, onGap, lastId, saveLastId });
//   live.close();
// states: "connecting", "live", "polling" (live unavailable), "replaced" (a newer window of
// the same user took the stream: this one polls).

// Tests shorten the waits with window.taplineLive = { pollSeconds, retrySeconds }.
export function openLive({ api, onEvent, onState = () => {}, onGap = () => {},
  lastId = () => null, saveLastId = () => {},
  pollSeconds = globalThis.taplineLive?.pollSeconds ?? 20,
  retrySeconds = globalThis.taplineLive?.retrySeconds ?? 15 }) {
  let source = null;
  let timer = null;
  let poller = null;
  let closed = false;
  let failures = 0;

  const remember = (id) => { if (id && /^\d+$/.test(id)) saveLastId(Number(id)); };
  // Delivery is at least once (a replay after polling may repeat one): show each id once.
  const shown = new Set();
  const fresh = (message) => {
    if (shown.has(message.id)) return false;
    shown.add(message.id);
    if (shown.size > 1000) shown.delete(shown.values().next().value);
    return true;
  };

  let current = null;
  function setState(state) {
    current = state;
    onState(state);
  }

  async function connect() {
    if (closed) return;
    clearTimeout(timer);
    if (current !== "polling") setState("connecting");  // while polling, the badge stays put
    let ticket;
    try {
      ticket = (await api("/api/events/ticket", { method: "POST" })).ticket;
    } catch (err) {
      if (err?.status === 401) return;  // signed out: the page asks to sign in again
      return poll();  // 503 live unavailable, or offline: poll, and try again later
    }
    // Closed while the ticket was on its way (the phone reconnects with a renewed sign-in):
    // opening the stream now would leave one nobody closes, showing every event twice.
    if (closed) return;
    const last = lastId();
    source = new EventSource(`/api/events/stream?ticket=${encodeURIComponent(ticket)}`
      + (last ? `&last_event_id=${last}` : ""));
    source.onopen = async () => {
      failures = 0;
      stopPolling();
      await settleFloor();  // before "live": an event from now on is never taken as seen
      setState("live");
    };
    source.onmessage = (event) => {
      remember(event.lastEventId);
      const message = JSON.parse(event.data);
      if (fresh(message)) onEvent(message);
    };
    source.addEventListener("gap", (event) => {
      remember(event.lastEventId);
      onGap();
    });
    source.addEventListener("bye", (event) => {
      const reason = JSON.parse(event.data || "{}").reason;
      drop();
      if (reason === "replaced") {
        setState("replaced");
        startPolling();
      } else if (reason === "unavailable") {
        poll();
      } else {
        connect();  // lifetime reached: a fresh stream at once
      }
    });
    source.onerror = () => {
      // Network lost or refused: a ticket serves once, so the next try asks for a new one.
      drop();
      failures += 1;
      setState("connecting");
      timer = setTimeout(connect, Math.min(30, 2 ** failures) * 1000);
    };
  }

  function drop() {
    if (source) {
      source.onerror = null;
      source.close();
      source = null;
    }
  }

  function poll() {
    if (closed) return;
    setState("polling");
    startPolling();
    timer = setTimeout(connect, retrySeconds * 1000);
  }

  function startPolling() {
    if (poller) return;
    fetchMissed();
    poller = setInterval(fetchMissed, pollSeconds * 1000);
  }

  function stopPolling() {
    clearInterval(poller);
    poller = null;
  }

  // Where polling starts for a client that has seen no event yet: the newest notification
  // when the stream first opened (or when polling first ran, if it never opened). Taken at
  // polling time instead, an event that arrived while the stream was failing would count as
  // seen and never show.
  let floor = null;

  async function settleFloor() {
    if (floor !== null || lastId() !== null) return;
    try {
      const page = await api("/api/notifications?per_page=1");
      if (floor === null) floor = page.items.length ? page.items[0].id : 0;
    } catch {
      // offline: the first poll sets it
    }
  }

  async function fetchMissed() {
    let page;
    try {
      page = await api("/api/notifications?per_page=50");
    } catch {
      return;
    }
    const last = lastId() ?? floor;
    if (last === null) {
      floor = page.items.length ? page.items[0].id : 0;
      return;
    }
    const items = page.items.filter((item) => item.id > last).reverse();
    for (const item of items) {
      saveLastId(item.id);
      if (fresh(item)) onEvent(item);
    }
    if (page.items.length && items.length === page.items.length) onGap();
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      stopPolling();
      drop();
    },
  };
}
