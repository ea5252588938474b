"""The fixed facts the demo is generated from: towns, names, places and what callers report.

Town positions are rough (the zone lines are not the real administrative ones); road and
village names are typical of the area, not a gazetteer.
"""

from typing import NamedTuple


class Town(NamedTuple):
    key: str  # zone code ZONE-<key>, team code TEAM-<key>
    name: str
    seed: tuple[float, float]  # (lon, lat): the town centre and the team's station
    team_name: str
    customers: int
    urban: bool
    streets: tuple[str, ...]  # roads (urban) or villages (towns)


TOWNS = (
    Town(
        "DC",
        "东村街道",
        (121.17, 36.70),
        "维修一班",
        44,
        True,
        ("海政路", "海阳路", "银河路", "黄河路", "长江路", "海滨中路"),
    ),
    Town(
        "FY",
        "方圆街道",
        (121.07, 36.66),
        "维修二班",
        36,
        True,
        ("方圆路", "衡山路", "昆仑路", "泰山路", "碧海路"),
    ),
    Town(
        "FC",
        "凤城街道",
        (121.28, 36.74),
        "维修三班",
        22,
        True,
        ("凤城路", "海兴路", "东方路", "凤翔街"),
    ),
    Town(
        "LGZ",
        "留格庄镇",
        (121.40, 36.79),
        "维修四班",
        18,
        False,
        ("留格庄", "冷家庄", "大辛家", "桃源", "望海"),
    ),
    Town(
        "PSD",
        "盘石店镇",
        (121.28, 36.90),
        "维修五班",
        18,
        False,
        ("盘石店", "石现", "西寨", "南沟", "鲁家夼"),
    ),
    Town(
        "GC",
        "郭城镇",
        (121.12, 37.06),
        "维修六班",
        20,
        False,
        ("郭城", "东山", "邵伯", "战场泊", "河北"),
    ),
    Town(
        "XJ",
        "小纪镇",
        (121.05, 36.86),
        "维修七班",
        22,
        False,
        ("小纪", "二十里店", "朱吴", "发城", "徐家店"),
    ),
    Town(
        "XC",
        "行村镇",
        (120.92, 36.70),
        "维修八班",
        20,
        False,
        ("行村", "辛安", "赵疃", "大山", "北城阳"),
    ),
)

DEPARTMENTS = (
    ("DEPT-KF", "客户服务中心"),
    ("DEPT-GW", "供水管网部"),
)
LEAD_DEPARTMENT = "DEPT-GW"  # lead01 answers the complaints handed to it (R4.3)

# username, roles (space-separated), display name, department; kf01 leads the customer-service
# centre and takes hotline calls too (one person, two roles: one navigation with both sets)
STAFF = (
    ("admin", "admin", "系统管理员", None),
    ("agent01", "hotline_agent", "孙丽", "DEPT-KF"),
    ("dispatch01", "dispatcher", "于海涛", None),
    ("lead01", "department_lead", "姜国庆", "DEPT-GW"),
    ("gm01", "general_manager", "王建军", None),
    ("kf01", "hotline_agent department_lead", "曲晓燕", "DEPT-KF"),
)

SURNAMES = "王李张刘孙于姜赵杨陈徐修宋林高曲隋邵纪吕周郭马"
GIVEN = "伟强磊军洋勇杰涛明超华平刚辉鹏飞建国志海波丽娟敏静艳芳红霞玲燕"
MOBILE_PREFIXES = (
    "130",
    "131",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "158",
    "159",
    "176",
    "180",
    "182",
    "186",
    "187",
    "189",
)

# Skill sets handed out in turn within each team: the first covers emergencies.
SKILL_SETS = (
    ("plumbing", "emergency"),
    ("meter", "connection"),
    ("plumbing", "connection"),
    ("meter", "inspection"),
    ("plumbing", "water_quality"),
)
EXTRA_SKILLS = ("plumbing", "meter", "connection", "emergency")
TEAM_SIZES = (5, 4, 4, 3, 3, 4, 4, 3)  # per town, in TOWNS order: 30 technicians
OFF_DUTY = ("tech09", "tech22")

METER_MODELS = (("LXS-15E", 15), ("LXS-20E", 20), ("LXSG-15", 15), ("LXLC-25", 25))

DESCRIPTIONS = {
    "general_repair": (
        "厨房水龙头漏水",
        "卫生间进水阀损坏,关不严",
        "表后管道渗水,墙面潮湿",
        "水压偏低,楼上出水小",
        "水管冻裂漏水",
        "室外阀门井盖破损",
    ),
    "meter_replacement": ("水表表盘模糊无法读数", "水表停走", "水表玻璃破裂", "水表到期轮换"),
    "water_connection": ("新房装修完成,申请通水", "报停后申请复接通水", "已缴清欠费,申请恢复供水"),
    "emergency_repair": (
        "小区主管道爆管,路面大量冒水",
        "表前阀门断裂喷水",
        "道路下供水管破裂,多户停水",
    ),
    "meter_reading_check": ("本月水费异常偏高,申请核查读数",),
    "water_quality_check": ("自来水发黄有异味", "烧开后有白色沉淀"),
    "theft_inspection": ("群众举报有人私接供水管道",),
}
PROPERTY_SIDE = {"general_repair": "customer", "emergency_repair": "company"}
CANCEL_REASONS = (
    "用户来电取消:已自行修好 / the customer fixed it and cancelled",
    "重复报修,已合并到先前工单 / duplicate of an earlier order",
)

# (type, status the demo leaves it in); "unrouted" orders lie outside every zone.
ORDER_SCRIPT = (
    [("general_repair", "new")] * 5
    + [("meter_replacement", "new")] * 2
    + [("water_connection", "new"), ("emergency_repair", "new")]
    + [("general_repair", "unrouted")] * 2
    + [("water_quality_check", "unrouted")]
    + [("general_repair", "assigned")] * 3
    + [("meter_replacement", "assigned")]
    + [("water_connection", "assigned"), ("meter_reading_check", "assigned")]
    + [("general_repair", "accepted")] * 2
    + [("meter_replacement", "accepted")]
    + [("water_quality_check", "accepted"), ("theft_inspection", "accepted")]
    + [("general_repair", "scheduled")] * 3
    + [("meter_replacement", "scheduled")] * 2
    + [("water_connection", "scheduled")]
    + [("general_repair", "en_route"), ("emergency_repair", "en_route")]
    + [
        ("general_repair", "on_site"),
        ("emergency_repair", "on_site"),
        ("meter_replacement", "on_site"),
    ]
    + [
        ("general_repair", "completed"),
        ("meter_replacement", "completed"),
        ("water_connection", "completed"),
    ]
    + [("general_repair", "closed")]
    + [("general_repair", "cancelled"), ("meter_replacement", "cancelled")]
)

# Points just outside the boundary, as callers sometimes give them (莱阳, 乳山, the sea).
OUTSIDE_POINTS = (
    ((120.80, 36.95), "莱阳市与海阳市交界处路口"),
    ((121.55, 36.93), "乳山市界附近村道"),
    ((121.20, 36.60), "海阳港外海面(定位偏差)"),
)
