// The admin's ops page: workers, queues, failed jobs (with retry) and the sweep's findings.
import { $, api, errorText, fill, fmtTime, h, signIn, status } from "/desk/static/common.js";

const JOBS = {
  "app.dispatch.jobs.route_order": "工单派单",
  "app.dispatch.jobs.check_acceptance": "抢修接单计时",
  "app.dispatch.jobs.expire_due_offers": "超时未接单巡检",
  "app.dispatch.jobs.sla_watch": "工单时限监控",
  "app.complaints.jobs.check_clocks": "投诉时限检查",
  "app.complaints.jobs.sweep_clocks": "投诉时限巡检",
  "app.complaints.jobs.produce_weekly_bulletins": "投诉周报",
  "app.jobs.relay_outbox": "待发任务转发",
  "app.ops.jobs.reconcile_outbox": "补偿巡检",
  "app.ops.jobs.purge_outbox": "清理已完成任务记录",
  "app.visits.jobs.purge_idempotency_keys": "清理幂等记录",
  "app.desk.jobs.remind_due_deferrals": "容缺受理到期提醒",
};
const QUEUES = { emergency: "抢修队列", default: "普通队列", low: "低优先级队列" };
const WORKER_STATES = { idle: "空闲", busy: "处理中", started: "启动中", suspended: "已暂停" };
const OVERALL = { ok: ["正常", ""], degraded: ["部分异常", "warn"], down: ["不可用", "sla-breached"] };
const WHY = { missing: "任务丢失", abandoned: "处理进程中断" };

const jobName = (path) => JOBS[path] || "其他后台任务";
const seconds = (s) => (s < 60 ? `${Math.round(s)} 秒` : `${Math.round(s / 60)} 分钟`);
const yesNo = (ok) => h("span", { class: `badge ${ok ? "" : "sla-breached"}` }, ok ? "正常" : "异常");

function table(headings, rows, empty) {
  if (!rows.length) return h("p", { class: "muted" }, empty);
  return h("table", { class: "ops-table" },
    h("thead", {}, h("tr", {}, headings.map((text) => h("th", {}, text)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))));
}

function problems(report) {
  const c = report.checks, out = [];
  if (!c.postgres.ok) out.push("数据库无法连接:无法受理新工单");
  if (!c.redis.ok) out.push("任务缓存无法连接:新任务暂存数据库,恢复后自动补发");
  if (c.workers?.ok && !c.workers.alive) out.push("没有在运行的后台处理进程:派单和计时暂停");
  if (c.unrouted?.ok && report.problems.some((p) => p.startsWith("unrouted"))) {
    out.push(`最早的待派单工单已等待 ${seconds(c.unrouted.oldest_seconds)}`);
  }
  return out;
}

function drawChecks(report) {
  const [label, cls] = OVERALL[report.status] || ["未知", "warn"];
  const badge = $("#ops-overall");
  badge.textContent = label;
  badge.className = `badge ${cls}`;
  fill($("#ops-problems"), problems(report).map((text) => h("li", { class: "error" }, text)));
  const c = report.checks;
  fill($("#ops-checks"), table(["检查项", "状态", "说明"], [
    ["数据库", yesNo(c.postgres.ok), `${c.postgres.ms} 毫秒`],
    ["任务缓存", yesNo(c.redis.ok), `${c.redis.ms} 毫秒`],
    ["后台处理进程", yesNo(c.workers?.ok && c.workers.alive > 0), c.workers?.ok ? `在运行 ${c.workers.alive} 个` : "无法查询"],
    ["待派单工单", yesNo(c.unrouted?.ok), !c.unrouted?.ok ? "无法查询" : c.unrouted.count
      ? `${c.unrouted.count} 单,最早已等待 ${seconds(c.unrouted.oldest_seconds)}` : "无"],
    ["待转发任务", yesNo(c.outbox?.ok), !c.outbox?.ok ? "无法查询" : c.outbox.unsent
      ? `${c.outbox.unsent} 条,最早已等待 ${seconds(c.outbox.oldest_unsent_seconds)}` : "无"],
  ], ""));
}

function drawWorkers(report) {
  const workers = report.checks.workers;
  if (!workers?.ok) return fill($("#ops-workers"), h("p", { class: "muted" }, "任务缓存无法连接,暂无进程信息"));
  fill($("#ops-workers"), table(["进程", "状态", "心跳", "当前任务", "成功", "失败"],
    workers.workers.map((w) => [w.name.slice(0, 8), w.alive ? (WORKER_STATES[w.state] || "运行中") : "无心跳",
      fmtTime(w.last_heartbeat), w.current_job ? "处理中" : "—", String(w.successful), String(w.failed)]),
    "没有登记的后台处理进程"));
}

function drawQueues(report) {
  const queues = report.checks.queues;
  if (!queues?.ok) return fill($("#ops-queues"), h("p", { class: "muted" }, "任务缓存无法连接,暂无队列信息"));
  fill($("#ops-queues"), table(["队列", "排队", "定时", "处理中", "失败"],
    Object.entries(queues.depths).map(([name, d]) => [QUEUES[name] || name, String(d.queued),
      String(d.scheduled), String(d.started), String(d.failed)]), ""));
}

function drawSweep(sweep) {
  if (!sweep) return fill($("#ops-sweep"), h("p", { class: "muted" }, "尚未巡检"));
  fill($("#ops-sweep"),
    h("p", {}, `${fmtTime(sweep.at)}:检查 ${sweep.checked} 项,等待处理 ${sweep.waiting},` +
      `丢失 ${sweep.missing},中断 ${sweep.abandoned},失败 ${sweep.failed},补发转发 ${sweep.relayed}`),
    table(["补发的任务", "原因"], sweep.redriven.map((r) => [jobName(r.job), WHY[r.why] || "其他"]),
      "本次没有需要补发的任务"));
}

function drawFailed(jobs) {
  fill($("#ops-failed"), table(["任务", "队列", "失败时间", "错误", ""], jobs.map((job) => [
    jobName(job.job), QUEUES[job.queue] || job.queue, fmtTime(job.ended_at),
    h("details", {}, h("summary", {}, "查看"), h("code", {}, job.error || "无记录")),
    h("button", { type: "button", onclick: () => retry(job) }, "重试"),
  ]), "没有失败的任务"));
}

async function retry(job) {
  $("#ops-error").textContent = "";
  try {
    await api(`/api/ops/failed/${encodeURIComponent(job.id)}/retry`, { method: "POST" });
    status(`已重新排队:${jobName(job.job)}`);
    await refresh();
  } catch (err) {
    $("#ops-error").textContent = errorText(err);
  }
}

async function sweepNow() {
  try {
    drawSweep(await api("/api/ops/reconcile", { method: "POST" }));
    status("巡检完成");
  } catch (err) {
    $("#ops-error").textContent = errorText(err);
  }
}

async function refresh() {
  try {
    const report = await api("/api/ops/status");
    drawChecks(report);
    drawWorkers(report);
    drawQueues(report);
    drawSweep(report.sweep);
    drawFailed(report.failed_jobs);
    status(`更新于 ${fmtTime(new Date().toISOString())}`);
  } catch (err) {
    status("状态获取失败,稍后自动重试");
  }
}

signIn.start(["admin"], () => {
  $("#ops-sweep-now").addEventListener("click", sweepNow);
  refresh();
  setInterval(refresh, Number(document.body.dataset.pollSeconds || 5) * 1000);
});
