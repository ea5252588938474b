"""The management view as one document: every figure with its label and definition, every
table with its headers, for the page, its charts and the XLSX export alike."""

from app.common.exports import workbook
from app.complaints.models import KIND_LABELS_ZH
from app.office import figures

# Each section's figures: key, label, unit, definition (shown on the page beside the figure).
FIGURES_BY_SECTION = {
    "orders": (
        ("received", "受理工单", "件", "期间内受理(创建)的工单数;以下工单指标均针对这批工单。"),
        ("completed", "已完工", "件", "上述工单中已完工(含其后关闭)的件数。"),
        ("on_time_pct", "按时完工率", "%", "已完工工单中,完工时间不晚于时限的比例。"),
        (
            "overdue_now",
            "当前超期",
            "件",
            "此刻仍未完工、已过时限的工单(按班组、片区、类型筛选,不限期间)。",
        ),
        ("median_hours", "完工用时中位数", "小时", "从受理到完工的时长,已完工工单的中位数。"),
        ("p90_hours", "完工用时90分位", "小时", "90%的已完工工单在此时长内完工。"),
        ("emergencies", "抢修工单", "件", "期间内受理的抢修类工单数(类型标为抢修)。"),
        (
            "emergency_accept_minutes",
            "抢修接单用时中位数",
            "分钟",
            "抢修工单从受理到维修工接单的时长中位数。",
        ),
        (
            "emergency_arrive_minutes",
            "抢修到场用时中位数",
            "分钟",
            "抢修工单从受理到维修工到场的时长中位数。",
        ),
    ),
    "visits": (
        (
            "first_visit_pct",
            "一次上门完成率",
            "%",
            "已完工工单中,未改约、未退回派单队列即完成的比例。",
        ),
        ("reschedules", "改约次数", "次", "上述工单的改约(重新约定上门时间)次数。"),
        (
            "flagged_arrivals",
            "到场位置偏远",
            "次",
            "到场时位置离工单地点超出允许距离、被标记的次数。",
        ),
        ("flagged_pct", "到场偏远比例", "%", "被标记的到场占全部到场记录的比例。"),
    ),
    "surveys": (
        (
            "answered_pct",
            "征求意见书回收率",
            "%",
            "已完工工单中,用户填写了满意度征求意见书的比例。",
        ),
        ("avg_overall", "总体满意度", "分(1-5)", "征求意见书“总体评价”的平均分。"),
        ("avg_timeliness", "及时性", "分(1-5)", "“上门及时”的平均分。"),
        ("avg_attitude", "服务态度", "分(1-5)", "“服务态度”的平均分。"),
        ("avg_professionalism", "专业水平", "分(1-5)", "“专业水平”的平均分。"),
        ("site_clean_pct", "现场清洁", "%", "用户确认完工后现场已清理干净的比例。"),
    ),
    "complaints": (
        ("received", "受理投诉", "件", "期间内受理的投诉数(按班组筛选时为该部门的投诉)。"),
        ("justified", "经查属实", "件", "部门处理时认定属实的投诉;未经部门认定的按受理时的判断。"),
        ("sensitive", "敏感投诉", "件", "标为敏感、答复须经总经理批示的投诉。"),
        (
            "handoff_on_time_pct",
            "按时移交率",
            "%",
            "已移交的投诉中,在移交时限内移交责任部门的比例。",
        ),
        (
            "within_24h_pct",
            "24小时内处理率",
            "%",
            "已处理的投诉中,自移交起24小时内处理完毕的比例。",
        ),
        (
            "within_48h_pct",
            "48小时内处理率",
            "%",
            "已处理的投诉中,自移交起48小时内(含特殊情况延期)处理完毕的比例。",
        ),
        ("follow_up_satisfied_pct", "回访满意率", "%", "已回访的投诉中,用户表示满意的比例。"),
    ),
}
FIGURES = tuple(
    (section, *figure) for section, rows in FIGURES_BY_SECTION.items() for figure in rows
)
SECTIONS = {
    "orders": "工单",
    "visits": "上门",
    "surveys": "满意度征求意见书",
    "complaints": "投诉",
}
WEEK_HEADERS = ("周(周一)", "受理工单", "已完工", "按时完工率%", "受理投诉", "经查属实")
TECH_HEADERS = (
    "维修工",
    "班组",
    "派到工单",
    "其中抢修",
    "已完工",
    "按时完工率%",
    "班组按时完工率%",
    "征求意见书",
    "总体满意度",
)


def build(f, now):
    figures.analytic_session()
    cohort = figures.cohort(f)
    total = cohort["total"]
    values = {
        "orders": figures.order_figures(f, now, total),
        "visits": figures.visit_figures(f, total),
        "surveys": figures.survey_figures(f, total),
        "complaints": figures.complaint_figures(f),
    }
    by_kind = figures.complaints_by_kind_and_department(f)
    return {
        "period": {"start": f.start.isoformat(), "end": f.end.isoformat()},
        "sections": [{"key": key, "title": title} for key, title in SECTIONS.items()],
        "figures": [
            {
                "section": section,
                "key": key,
                "label": label,
                "unit": unit,
                "definition": definition,
                "value": values[section][key],
            }
            for section, key, label, unit, definition in FIGURES
        ],
        "tables": _tables(
            values,
            by_kind,
            figures.weekly_trend(f, cohort["weeks"]),
            figures.technician_rows(f, cohort["technicians"]),
        ),
    }


def _tables(values, by_kind, weeks, technicians):
    def cell(value):
        return "" if value is None else value

    return [
        {
            "key": "weekly",
            "title": "每周趋势",
            "definition": "按受理日期所在的周(周一起)统计;按时完工率以已完工工单为基数。",
            "headers": WEEK_HEADERS,
            "rows": [
                [w["week"], w["received"], w["completed"], cell(w["on_time_pct"])]
                + [w["complaints"], w["justified"]]
                for w in weeks
            ],
        },
        {
            "key": "complaints_by_kind",
            "title": "投诉按类别与部门",
            "definition": "期间内受理的投诉,按责任部门和类别计数;属实为经查属实的件数。",
            "headers": ("责任部门", "类别", "件数", "经查属实"),
            "rows": [
                [r["department"], KIND_LABELS_ZH[r["kind"]], r["n"], r["justified"]]
                for r in by_kind
            ],
        },
        {
            "key": "technicians",
            "title": "维修工",
            "definition": "派到每人的工单(工作量)与完成情况并列,旁列班组水平;"
            "片区、工单类型不同,数字不宜用来给个人排名。",
            "headers": TECH_HEADERS,
            "rows": [
                [t["name"], t["team"], t["assigned"], t["emergencies"], t["completed"]]
                + [cell(t["on_time_pct"]), cell(t["team_on_time_pct"]), t["forms"]]
                + [cell(t["satisfaction"])]
                for t in technicians
            ],
        },
        {
            "key": "comments",
            "title": "用户意见(最近20条)",
            "definition": "征求意见书中写有意见或建议的,最新在前。",
            "headers": ("工单", "总体评价", "意见", "建议", "填写时间"),
            "rows": [
                [c["number"], c["overall"], c["comments"], c["suggestions"]]
                + [c["submitted_at"].isoformat()]
                for c in values["surveys"]["comments"]
            ],
        },
    ]


def xlsx(report):
    """Every table of the page, plus the figures with their definitions, one sheet each."""
    summary = (
        "指标",
        ("分类", "指标", "数值", "单位", "定义"),
        [
            [SECTIONS[f["section"]], f["label"], f["value"], f["unit"], f["definition"]]
            for f in report["figures"]
        ],
    )
    return workbook([summary] + [(t["title"], t["headers"], t["rows"]) for t in report["tables"]])
