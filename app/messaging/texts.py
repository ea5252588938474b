"""What each message says. Providers send a template by code with parameters; the text here
is the same template, filled, as the development outbox and the order's record show it.

The template codes a provider approved come from configuration (SMS_TEMPLATES); the
parameter names below are the ones those templates must use, in this order for Tencent.
"""

TEMPLATES = {
    "order_received": (
        "您的报修已受理,工单号{number}。查看进度或改约时间:{url}",
        ("number", "url"),
    ),
    "appointment_agreed": (
        "工单{number}的上门时间已约定:{window}。如需改时间请点:{url}",
        ("number", "window", "url"),
    ),
    "appointment_changed": (
        "工单{number}的上门时间已改为:{window}(原定{previous})。查看:{url}",
        ("number", "window", "previous", "url"),
    ),
    "technician_departing": (
        "维修师傅{name}(工号{employee_no})已出发。核对码{code},开门前请点击核对身份:{url}",
        ("name", "employee_no", "code", "url"),
    ),
    "survey_link": (
        "工单{number}已完工,请花一分钟填写征求意见书:{url}",
        ("number", "url"),
    ),
    "receipt_link": (
        "您已在工单{number}上签字确认,签字回执请查看:{url}",
        ("number", "url"),
    ),
    "one_time_notice": ("{text}", ("text",)),
    "sign_code": (
        "您的签字验证码为{code},{minutes}分钟内有效。签字页面:{url}",
        ("code", "minutes", "url"),
    ),
    "emergency_offer": (
        "抢修派单:工单{number},{address}。请立即打开手机接单:{url}",
        ("number", "address", "url"),
    ),
    "outage_notice": (
        "停水通知:因{reason},{area}将于{start}起停水,预计{end}恢复供水。详情:{url}",
        ("reason", "area", "start", "end", "url"),
    ),
    "outage_changed": (
        "停水变更:{area}停水时间调整为{start}至{end}。详情:{url}",
        ("area", "start", "end", "url"),
    ),
    "outage_restored": (
        "{area}已恢复供水,给您带来不便,敬请谅解。",
        ("area",),
    ),
}


# Parameters that only the recipient may read: sent, then masked in the stored message.
SECRET_PARAMS = {"sign_code": ("code",)}


def mask_secrets(message):
    """After sending: the stored text and parameters keep no one-time code (R3.7)."""
    names = SECRET_PARAMS.get(message.kind, ())
    params = dict(message.params)
    for name in names:
        if params.get(name):
            message.text = message.text.replace(str(params[name]), "******")
            params[name] = "******"
    message.params = params


def render(kind, params, sign_name):
    """The full text a phone shows: 【签名】 and the filled template."""
    template, _ = TEMPLATES[kind]
    return f"【{sign_name}】" + template.format(
        **{k: params.get(k, "") for k in TEMPLATES[kind][1]}
    )


def ordered_params(kind, params):
    """Tencent's TemplateParamSet: the values in the template's order, as strings."""
    return [str(params.get(name, "")) for name in TEMPLATES[kind][1]]


def named_params(kind, params):
    """Aliyun's TemplateParam: only the template's own names, as strings."""
    return {name: str(params.get(name, "")) for name in TEMPLATES[kind][1]}


def parse_template_codes(text):
    """'order_received=SMS_1,survey_link=SMS_2' -> {'order_received': 'SMS_1', ...}."""
    codes = {}
    for item in (text or "").split(","):
        if "=" in item:
            kind, code = (part.strip() for part in item.split("=", 1))
            codes[kind] = code
    return codes
