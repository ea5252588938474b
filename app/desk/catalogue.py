"""One-time notification (一次性告知, R5.1) as plain functions: what is missing, and its texts."""

BUSINESSES = {
    "open_account": ("开户", "Meter account opening"),
    "transfer": ("过户", "Transfer"),
    "suspend": ("报停", "Suspension"),
    "cancel": ("销户", "Cancellation"),
    "reconnect": ("复接", "Reconnection"),
    "change_use": ("变更用水性质", "Change of water use"),
    "one_meter_retrofit": ("一户一表改造", "One-meter-per-household retrofit"),
    "low_income": ("低保户", "Low-income household"),
    "new_construction": ("新建项目供水报装", "New-construction supply application"),
}
APPLICANT_KINDS = {
    "resident": ("居民用户", "Resident"),
    "developer": ("开发商", "Developer"),
    "property_company": ("物业公司", "Property company"),
    "enterprise": ("企业", "Enterprise"),
    "public_institution": ("党政机关、事业单位", "Public institution"),
    "small_property": ("小产权房用户", "Small-property-right housing"),
}
COMPANY = "自来水有限公司"  # only when no company is configured (the pure tests)
SMS_LIMIT = 300  # a long SMS is sent as several segments; beyond this, point to the counter


def label(business, kind):
    return f"{BUSINESSES[business][0]}({APPLICANT_KINDS[kind][0]})"


def unknown_names(entry_materials, names):
    known = {item["name"] for item in entry_materials}
    return sorted(set(names) - known)


def missing(entry_materials, have, not_applicable=()):
    """Materials neither brought nor marked not applicable (a 'when' that does not apply)."""
    skip = set(have) | {n for n in not_applicable if _conditional(entry_materials, n)}
    return [item for item in entry_materials if item["name"] not in skip]


def _conditional(materials, name):
    return any(item["name"] == name and item.get("when") for item in materials)


def _material_line(item):
    when = f"({item['when']})" if item.get("when") else ""
    stage = f"[{item['stage']}]" if item.get("stage") else ""
    return f"{stage}{item['name']}{when}"


def printable_text(entry, lacking, applicant=None, when_text="", company=None):
    """The full notice for the counter printer: conditions, limit, steps, materials, gaps, the
    company's window and hotline, and a place for the applicant to sign. The catalogue's
    editorial notes (about the rules' text) are for admins and are not printed."""
    company = company or {"name": COMPANY}
    title = label(entry.business, entry.applicant_kind)
    lines = [f"{company['name']} 供水业务一次性告知单", f"业务:{title}"]
    if applicant:
        lines.append(f"申请人:{applicant}")
    if entry.coverage == "not_stated":
        lines += ["", "本项业务的办理要求请到客服中心窗口咨询。"]
    else:
        lines += _section("办理条件", entry.conditions)
        lines += _section("办理时限", [entry.time_limit or "规则未规定"])
        lines += _section("办理程序", entry.procedure)
        lines += _section("所需材料", [_material_line(item) for item in entry.materials])
        gaps = [_material_line(item) for item in lacking] or ["材料齐全"]
        lines += _section("尚缺材料(请补齐后到客服中心窗口办理)", gaps)
    lines.append(_footer(when_text, company))
    return "\n".join(lines)


def _section(title, items):
    return ["", f"【{title}】", *(f"{i}. {text}" for i, text in enumerate(items, 1))]


def _footer(when_text, company):
    where = [f"办理地点:{company['address']}"] if company.get("address") else []
    call = [f"咨询电话:{company['hotline']}"] if company.get("hotline") else []
    sign = [
        "",
        "以上内容已一次性告知,申请人已知晓。",
        "申请人签字:______________  日期:______________",
    ]
    return "\n".join(["", *where, *call, *sign, when_text]).rstrip()


def sms_text(entry, lacking, company_name=COMPANY):
    """A short message: what is still missing for this business, nothing else."""
    head = f"【{company_name}】您办理{label(entry.business, entry.applicant_kind)}"
    if entry.coverage == "not_stated":
        return f"{head}的要求请致电客服中心咨询。"
    if not lacking:
        return f"{head}所需材料已齐全,请到客服中心窗口办理。"
    names = "、".join(item["name"] for item in lacking)
    text = f"{head}尚缺:{names}。请补齐后到客服中心窗口办理。"
    if len(text) > SMS_LIMIT:
        text = f"{head}尚缺{len(lacking)}项材料,清单见告知单,请补齐后到客服中心窗口办理。"
    return text
