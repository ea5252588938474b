// The server's tables (app/mobile/tables.py), embedded in the page: labels for statuses, events,
// queue reasons and live messages. The desk and console keep no copies of them.
export const TABLES = JSON.parse(document.getElementById("tables").textContent);

// A live message in words: what happened, to which order, and why when the server said.
export function liveSentence(message) {
  const p = message.payload || {};
  const what = TABLES.notifications[message.kind] || TABLES.notifications[""];
  const order = p.number ? `工单 ${p.number}${p.type_name ? `(${p.type_name})` : ""}` : "";
  const who = p.technician ? `,维修工 ${p.technician}` : "";
  const where = p.address ? `,${p.address}` : "";
  const why = String(p.reason || p.message || "").split(" / ").find((t) => /[\u4e00-\u9fff]/.test(t));
  return `${what}${order ? `:${order}` : ""}${who}${where}${why ? `。${why}` : ""}。`;
}
