"""Which passwords are refused (audit item 8): common, patterned or built from the user's own
details, as Dropbox's zxcvbn estimates them. Pure: no Flask, no database."""

from zxcvbn import zxcvbn

# zxcvbn refuses more than 72 characters; what follows adds length, not guessability.
CHECKED_LENGTH = 72
REASONS = {
    "common": ("是常用密码", "It is a common password."),
    "personal": ("包含用户名、姓名或电话", "It contains the username, name or phone."),
    "pattern": ("规律太明显(重复、顺序或键盘排列)", "It follows an obvious pattern."),
}


def weakness(password, min_score, user_inputs=()):
    """None when `password` is strong enough, else a message in Chinese first, then English."""
    inputs = [str(value) for value in user_inputs if value]
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=inputs)
    if result["score"] >= min_score and not _contains_any(password, inputs):
        return None
    chinese, english = REASONS[_reason(password, inputs, result)]
    return f"密码太容易被猜中:{chinese},请换一个更长、无规律的密码 / Too weak: {english}"


def _contains_any(password, inputs):
    lowered = password.lower()
    return any(len(value) >= 3 and value.lower() in lowered for value in inputs)


def _reason(password, inputs, result):
    patterns = {match["pattern"] for match in result["sequence"]}
    if _contains_any(password, inputs) or "user_inputs" in _dictionaries(result):
        return "personal"
    if "dictionary" in patterns:
        return "common"
    return "pattern"


def _dictionaries(result):
    return {m.get("dictionary_name") for m in result["sequence"] if m["pattern"] == "dictionary"}
