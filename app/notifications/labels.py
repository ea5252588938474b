"""What each live message is, in words: the console's feed and any list of notifications show
these instead of the message's code (issue 13). Served to the browsers by app/mobile/tables.py.

A message the table does not know still reads as a sentence ("新消息"), never as its code.
"""

NOTIFICATION_LABELS_ZH = {
    "assignment": "新派工单",
    "emergency_assignment": "抢修派单,等待接单",
    "assignment_withdrawn": "派单已收回",
    "assignment_declined": "维修工拒单,工单退回队列",
    "order_cancelled": "工单已取消",
    "order_waiting": "工单等待调度员派单",
    "emergency_outside_team": "抢修已跨班组派给外班组人员",
    "emergency_unassigned": "抢修无人可派,请立即处理",
    "emergency_escalated": "抢修超时未接单,已转派下一位",
    "sla_on_track": "工单时限恢复正常",
    "sla_at_risk": "工单临近超时",
    "sla_breached": "工单已超时",
    "tell_customer": "需告知客户改期",
    "day_plan": "日计划已下发",
    "violation_referred": "违约用水/窃水已移交稽查",
    "deferral_due": "容缺受理材料即将到期",
    "complaint_clock": "投诉时限提醒",
    "complaint_duty_alert": "投诉值班提醒",
    "complaint_handed_off": "投诉已移交部门",
    "complaint_sensitive": "敏感投诉,请关注",
    "complaint_closed_at_intake": "投诉当场办结",
    "complaint_reply_for_approval": "投诉答复待审批",
    "complaint_reply_decided": "投诉答复已审批",
    "complaint_follow_up_due": "投诉回访到期",
    "complaint_followed_up": "投诉已回访",
    "complaint_weekly_bulletin": "投诉周报已生成",
    "customer_reschedule_request": "客户在进度页申请改约",
    "emergency_water_supply": "停水超过24小时,请安排应急供水",
}
UNKNOWN_ZH = "新消息"
