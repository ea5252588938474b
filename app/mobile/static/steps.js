// What each visit step is on the wire, and what it does to the order while it waits to be
// sent: the phone shows the status the queued steps will lead to (the server stays the judge).
// Every table here is the server's (app/mobile/tables.py), embedded in the shell the service
// worker caches: the state machine, labels, step paths. Nothing is copied by hand.
const TABLES = JSON.parse(document.getElementById("tables").textContent);

// The phone's own names for statuses (待接单 for "assigned"), named so by the server.
export const STATUS_ZH = TABLES.phone_statuses;
export const STEP_ZH = Object.fromEntries(
  Object.entries(TABLES.steps).map(([action, step]) => [action, step.label]));
export const CHECKLIST_ZH = TABLES.checklist;
export const CONTACT_ZH = TABLES.contact_outcomes;
export const METHOD_ZH = TABLES.contact_methods;
export const RELATION_ZH = TABLES.relations;
export const PURPOSE_ZH = TABLES.photo_purposes;
export const SLA_ZH = TABLES.sla;
export const MISSING_ZH = TABLES.missing;
export const NAVIGATION = TABLES.navigation;

const NEXT = new Map(TABLES.transitions.map(([from, action, to]) => [`${from} ${action}`, to]));

// The status a queued step leads to: the step's state-machine action, asked of the table.
export function predictedStatus(status, entries) {
  return entries.reduce((current, e) => {
    const action = TABLES.steps[e.action]?.moves;
    return (action && NEXT.get(`${current} ${action}`)) || current;
  }, status);
}

const pathOf = (action, orderId) => TABLES.steps[action].path.replace("{id}", orderId);

// Every step goes through POST /api/sync (accept and decline too: sync runs dispatch's
// services); only photos, being multipart uploads, are sent one by one.
export function entryFor(action, orderId, body = {}) {
  const deviceTime = body.device_time || new Date().toISOString();
  return {
    action, order_id: orderId, device_time: deviceTime, label: STEP_ZH[action],
    body: { ...body, device_time: deviceTime }, method: TABLES.steps[action].method,
    kind: "step", path: pathOf(action, orderId),
  };
}

export function photoEntry(orderId, file, { purpose = "work", caption = "" } = {}) {
  const deviceTime = new Date().toISOString();
  return {
    action: "photo", kind: "photo", order_id: orderId, device_time: deviceTime,
    label: STEP_ZH.photo, method: TABLES.steps.photo.method, path: pathOf("photo", orderId),
    file, filename: file.name || "photo.jpg", body: { purpose, caption, device_time: deviceTime },
  };
}

// A later step's field that takes the id an earlier queued step will get from the server.
export const ref = (seq, field = "id") => ({ $ref: seq, field });

export function eventLabel(kind) {
  if (kind.startsWith("checklist:")) return TABLES.events.checklist;
  return TABLES.events[kind] || "工单记录";
}
