"""The catalogue's plain rules and the seed transcribed from section 一 of the work rules."""

from types import SimpleNamespace

from app.desk import catalogue
from tests.desk.kit import SEED

ENTRIES = {(b, k): e for b, k, e in SEED.catalogue()}


def names(business, kind):
    return [m["name"] for m in ENTRIES[(business, kind)]["materials"]]


def test_every_business_and_applicant_kind_has_an_entry():
    assert set(ENTRIES) == {(b, k) for b in catalogue.BUSINESSES for k in catalogue.APPLICANT_KINDS}


def test_transfer_by_a_resident_lists_the_materials_of_the_rules():
    entry = ENTRIES[("transfer", "resident")]
    assert names("transfer", "resident") == ["新用户房产证", "房主的身份证", "代办人本人身份证"]
    assert "过户前需结清前期欠费,所欠水费包括抄回水量及水表即时读数" in entry["conditions"]
    assert entry["time_limit"] == "手续齐全,受理业务现场办结"
    assert "签订用户水表过户合同书" in entry["procedure"]


def test_small_property_transfer_adds_both_parties_and_the_sale_agreement():
    extra = set(names("transfer", "small_property")) - set(names("transfer", "resident"))
    assert extra == {"买卖协议书", "买卖双方身份证明"}
    assert "小产权用户买卖双方需到场" in ENTRIES[("transfer", "small_property")]["conditions"]


def test_combinations_the_rules_do_not_cover_say_so():
    for key in [
        ("open_account", "enterprise"),
        ("transfer", "developer"),
        ("low_income", "developer"),
        ("new_construction", "resident"),
    ]:
        entry = ENTRIES[key]
        assert entry["coverage"] == "not_stated" and entry["materials"] == []
        assert "未规定" in entry["notes"][0]


def test_new_construction_keeps_its_limit_and_flags_the_lost_items():
    entry = ENTRIES[("new_construction", "developer")]
    assert entry["time_limit"].startswith("办理时限:2个工作日")
    assert any("第2至5项" in note for note in entry["notes"])
    deferrable = [m["name"] for m in entry["materials"] if m["deferrable"]]
    assert deferrable == ["基础设备配套费发票"]


def _entry(**kw):
    base = dict(
        business="transfer",
        applicant_kind="resident",
        coverage="specific",
        conditions=["c"],
        time_limit="t",
        procedure=["p"],
        notes=[],
    )
    return SimpleNamespace(
        materials=ENTRIES[("transfer", "resident")]["materials"], **{**base, **kw}
    )


def test_missing_skips_what_the_caller_has_and_conditions_that_do_not_apply():
    entry = _entry()
    lacking = catalogue.missing(entry.materials, ["房主的身份证"], ["代办人本人身份证"])
    assert [m["name"] for m in lacking] == ["新用户房产证"]
    # a material without a condition cannot be waved away as "not applicable"
    lacking = catalogue.missing(entry.materials, [], ["新用户房产证"])
    assert "新用户房产证" in [m["name"] for m in lacking]


def test_texts_name_the_business_and_every_missing_item():
    entry = _entry()
    lacking = catalogue.missing(entry.materials, [])
    printable = catalogue.printable_text(entry, lacking, "王先生", "2026-11-27")
    assert "业务:过户(居民用户)" in printable and "申请人:王先生" in printable
    assert "【尚缺材料(请补齐后到客服中心窗口办理)】" in printable
    assert "3. 代办人本人身份证(委托他人办理时)" in printable
    assert "申请人签字:" in printable
    sms = catalogue.sms_text(entry, lacking)
    assert sms.startswith("【自来水有限公司】您办理过户(居民用户)尚缺:新用户房产证、房主的身份证")
    assert catalogue.sms_text(entry, []).endswith("所需材料已齐全,请到客服中心窗口办理。")


def test_editorial_notes_are_not_printed_for_the_applicant():
    entry = _entry(notes=["规则原文写作「等相关的手续」"])
    assert "规则原文" not in catalogue.printable_text(entry, [], "王先生")
    silent = _entry(coverage="not_stated", notes=["公司工作规则第一部分未规定… / none"])
    text = catalogue.printable_text(silent, [], "王先生")
    assert "未规定" not in text and "请到客服中心窗口咨询" in text


def test_a_very_long_gap_list_keeps_the_sms_short():
    entry = _entry()
    many = [{"name": f"材料{i:02d}" * 4} for i in range(40)]
    text = catalogue.sms_text(entry, many)
    assert len(text) <= catalogue.SMS_LIMIT and "尚缺40项材料" in text
