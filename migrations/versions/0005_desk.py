"""desk: the one-time notification catalogue (R5.1) and deficiency-tolerant acceptances (R5.2).

The catalogue is seeded from section 一 of the company's work rules
(shared/seeds/water-company-work-rules.zh.txt), transcribed per counter business and applicant
kind. Where the rules say nothing for a combination the row says so (coverage "not_stated")
rather than inventing; where the scan lost numbered items, a note says which.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BUSINESSES = (
    "open_account",
    "transfer",
    "suspend",
    "cancel",
    "reconnect",
    "change_use",
    "one_meter_retrofit",
    "low_income",
    "new_construction",
)
KINDS = (
    "resident",
    "developer",
    "property_company",
    "enterprise",
    "public_institution",
    "small_property",
)
UNITS = ("developer", "property_company", "enterprise", "public_institution")

ARREARS = "业务办理前需结清前期欠费,所欠水费包括抄回水量及水表即时读数"
ON_THE_SPOT = "手续齐全,受理业务现场办结"
RESUME_COST = "用户主动申请报停后需恢复供水的费用由用户承担"
BY_AGENT = "委托他人办理时"


def m(name, when=None, stage=None, deferrable=False):
    return {"name": name, "when": when, "stage": stage, "deferrable": deferrable}


def entry(coverage, source, conditions=(), time_limit=None, procedure=(), materials=(), notes=()):
    return {
        "coverage": coverage,
        "source": source,
        "conditions": list(conditions),
        "time_limit": time_limit,
        "procedure": list(procedure),
        "materials": list(materials),
        "notes": list(notes),
    }


def not_stated(business_zh, kind_zh):
    return entry(
        "not_stated",
        "一",
        notes=[
            f"公司工作规则第一部分未规定{kind_zh}办理{business_zh}的条件、时限、程序和材料;"
            "请咨询业务主管,不要自行告知 / The rules say nothing for this combination."
        ],
    )


def open_account():
    resident = [
        m("用户身份证"),
        m("房产证明(房产证或者房屋买卖合同)"),
        m("代办人本人身份证", when=BY_AGENT),
    ]
    steps = ["到客服中心签订供用水合同书", "提供所需材料即可开户"]
    return {
        "resident": entry(
            "specific",
            "一(二)(1)第1条",
            time_limit=ON_THE_SPOT,
            procedure=steps,
            materials=resident,
        ),
        "small_property": entry(
            "specific",
            "一(二)(1)第1条",
            time_limit=ON_THE_SPOT,
            procedure=steps,
            materials=resident + [m("通水证明(物业公司、开发商或者村委出具,需提供原件并盖章)")],
        ),
        "developer": entry(
            "specific",
            "一(二)(1)第2条",
            time_limit=ON_THE_SPOT,
            conditions=["适用于开发商未出售的房屋(产权所有人属于开发商)"],
            procedure=["开发商签订供用水合同书并加盖公章", "提供所需材料"],
            materials=[
                m("开发商公章(供用水合同书加盖)"),
                m("开发商出具的通水证明"),
                m("经办人的身份证明"),
            ],
        ),
        "property_company": entry(
            "specific",
            "一(二)(1)第3条",
            time_limit=ON_THE_SPOT,
            conditions=["适用于开发商委托物业公司代为出租的房屋"],
            procedure=["物业公司签订供用水合同书、出具通水证明并加盖公章", "提供所需材料"],
            materials=[
                m("物业公司公章(供用水合同书、通水证明加盖)"),
                m("物业公司出具的通水证明"),
                m("开发商与物业公司签订的代租委托书"),
                m("经办人的身份证明"),
            ],
        ),
    }


def transfer():
    steps = ["结清前期欠费", "签订用户水表过户合同书", "提供所需材料"]
    resident = [m("新用户房产证"), m("房主的身份证"), m("代办人本人身份证", when=BY_AGENT)]
    unit = entry(
        "specific",
        "一(二)(2)第3条",
        time_limit=ON_THE_SPOT,
        procedure=steps,
        conditions=[
            ARREARS.replace("业务办理前", "过户前"),
            "适用于企业之间买卖、党政机关事业单位、小区物业公司更换等需要更名的情况",
        ],
        materials=[
            m("产权证明"),
            m("上级政府部门批文", when="按具体情形提供(规则原文并列列出)"),
            m("社区或政府属地管辖部门的证明材料", when="按具体情形提供(规则原文并列列出)"),
            m("经办人的身份证"),
            m("新用户营业执照"),
            m("开票资料"),
        ],
        notes=["规则原文写作「等相关的手续」,所列为原文明示的材料"],
    )
    return {
        "resident": entry(
            "specific",
            "一(二)(2)第1、2条",
            time_limit=ON_THE_SPOT,
            conditions=[ARREARS.replace("业务办理前", "过户前")],
            procedure=steps,
            materials=resident,
        ),
        "small_property": entry(
            "specific",
            "一(二)(2)第1、2条",
            time_limit=ON_THE_SPOT,
            procedure=steps,
            conditions=[ARREARS.replace("业务办理前", "过户前"), "小产权用户买卖双方需到场"],
            materials=resident + [m("买卖协议书"), m("买卖双方身份证明")],
        ),
        "enterprise": unit,
        "public_institution": unit,
        "property_company": unit,
    }


def counter_change(business):
    """报停、销户、复接、变更用水性质: one clause for every user (一(二)(3))."""
    conditions = [ARREARS]
    if business in ("suspend", "reconnect"):
        conditions.append(RESUME_COST)
    steps = ["结清前期欠费", "填写书面申请书", "提供所需材料"]
    out = {}
    for kind in KINDS:
        unit = kind in UNITS
        materials = [
            m("书面申请书(单位用户需加盖公章)" if unit else "书面申请书"),
            m("房产证明"),
            m("身份证明"),
        ]
        kind_steps = list(steps)
        if unit and business == "reconnect":
            materials += [m("营业执照"), m("经办人的身份证明")]
            kind_steps.append("重新签订供用水合同书")
        if business == "change_use" and kind in ("enterprise", "public_institution"):
            materials.append(
                m(
                    "相关资质证明复印件",
                    when="学校、养老机构、幼儿园、城乡社区居委会申请福利用水价格时",
                )
            )
        notes = []
        if kind == "small_property":
            notes.append("规则对小产权用户办理此项业务无特别规定,按一般用户告知")
        out[kind] = entry(
            "general",
            "一(二)(3)",
            conditions=conditions,
            time_limit=ON_THE_SPOT,
            procedure=kind_steps,
            materials=materials,
            notes=notes,
        )
    return out


def retrofit():
    steps = [
        "1. 填写申请书",
        "2. (原文此步骤在扫描件中缺失)",
        "3. 技术部通过现场实地勘察做出工程设计预算",
        "4. 用户根据预算交齐工程款",
        "5. 双方签订一户一表改造协议书、供用水合同书后进行施工",
    ]
    materials = [
        m("申请书"),
        m("工程款(按技术部预算交齐)"),
        m("一户一表改造协议书(每户必须签字按手印,缺一不可)"),
        m("供用水合同书(每户必须签字按手印,缺一不可)"),
    ]
    notes = [
        "规则未规定一户一表改造的办理时限",
        "规则原文第2步在扫描件中缺失,以公司正式文本为准",
        "规则未区分申请人类别",
    ]
    return {
        kind: entry("general", "一(二)(4)", procedure=steps, materials=materials, notes=notes)
        for kind in KINDS
    }


def low_income():
    return {
        "resident": entry(
            "specific",
            "一(二)(5)",
            materials=[m("低保本人身份证"), m("低保证"), m("户口本"), m("房产证明或社区证明")],
            notes=["规则仅列出所需材料,未规定条件、时限和程序"],
        )
    }


def new_construction():
    accept, build = "受理环节", "技术部施工环节"
    materials = [
        m("供水报装申请表(填写)", stage=accept),
        m("基础设备配套费发票", stage=accept, deferrable=True),
        m("建筑工程规划许可证(复印件)", stage=build),
        m("建筑区域规划平面图(电子版)", stage=build),
        m("建筑单体给水底层平面图(电子版)", stage=build),
    ]
    return {
        kind: entry(
            "general",
            "一(三)",
            materials=materials,
            conditions=[
                "如材料不齐全,申请单位可签订「容缺受理告知承诺书」,在签订合同前将材料补齐即可"
            ],
            time_limit="办理时限:2个工作日;不包括设计、施工、签订合同及办理工程建设审批等所需时间",
            procedure=[f"{accept}:填写供水报装申请表,提交材料", f"{build}:提交规划许可证及图纸"],
            notes=[
                "规则原文受理环节第2至5项材料在扫描件中缺失,以公司正式文本为准",
                "规则写作「申请单位」,未区分单位类别",
            ],
        )
        for kind in UNITS
    }


BUSINESS_ZH = {
    "open_account": "水表开户",
    "transfer": "水表过户",
    "suspend": "水表报停",
    "cancel": "水表销户",
    "reconnect": "水表复接",
    "change_use": "变更用水性质",
    "one_meter_retrofit": "一户一表改造",
    "low_income": "低保户业务",
    "new_construction": "新建项目供水报装",
}
KIND_ZH = {
    "resident": "居民用户",
    "developer": "开发商",
    "property_company": "物业公司",
    "enterprise": "企业",
    "public_institution": "党政机关、事业单位",
    "small_property": "小产权房用户",
}


def catalogue():
    """Every (business, kind, entry), the silent combinations included."""
    known = {
        "open_account": open_account(),
        "transfer": transfer(),
        "one_meter_retrofit": retrofit(),
        "low_income": low_income(),
        "new_construction": new_construction(),
    }
    for business in ("suspend", "cancel", "reconnect", "change_use"):
        known[business] = counter_change(business)
    for business in BUSINESSES:
        for kind in KINDS:
            found = known[business].get(kind) or not_stated(BUSINESS_ZH[business], KIND_ZH[kind])
            yield business, kind, found


def catalogue_rows():
    return [{"business": b, "applicant_kind": k, "version": 1, **e} for b, k, e in catalogue()]


# The caller search matches fragments (%...%) of address, name, account number and phone
# digits: trigram GIN indexes serve those LIKEs; open orders without a customer likewise.
SEARCH_INDEXES = {
    "ix_customers_address_trgm": "customers USING gin (address gin_trgm_ops)",
    "ix_customers_name_trgm": "customers USING gin (name gin_trgm_ops)",
    "ix_customers_account_no_trgm": "customers USING gin (account_no gin_trgm_ops)",
    "ix_customers_phone_digits_trgm": "customers USING gin ((regexp_replace(phone, '\\D', '', 'g')) gin_trgm_ops)",
    "ix_work_orders_orphan_address_trgm": "work_orders USING gin (address gin_trgm_ops) WHERE customer_id IS NULL",
    "ix_work_orders_orphan_phone_trgm": "work_orders USING gin "
    "((regexp_replace(caller_phone, '\\D', '', 'g')) gin_trgm_ops) WHERE customer_id IS NULL",
}


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, target in SEARCH_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {target}")
    jsonb = postgresql.JSONB(astext_type=sa.Text())
    notices = op.create_table(
        "notice_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business", sa.String(length=40), nullable=False),
        sa.Column("applicant_kind", sa.String(length=40), nullable=False),
        sa.Column("coverage", sa.String(length=20), nullable=False),
        sa.Column("conditions", jsonb, nullable=False),
        sa.Column("time_limit", sa.Text(), nullable=True),
        sa.Column("procedure", jsonb, nullable=False),
        sa.Column("materials", jsonb, nullable=False),
        sa.Column("notes", jsonb, nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_notice_entries_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_entries")),
        sa.UniqueConstraint("business", "applicant_kind", name="uq_notice_entries_business_kind"),
    )
    op.create_table(
        "deferred_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("business", sa.String(length=40), nullable=False),
        sa.Column("applicant_kind", sa.String(length=40), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_phone", sa.String(length=32), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("signer_kind", sa.String(length=20), nullable=False),
        sa.Column("signer_name", sa.String(length=100), nullable=False),
        sa.Column("commitment", jsonb, nullable=False),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agreement_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_deferred_acceptances_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_deferred_acceptances_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deferred_acceptances")),
        sa.UniqueConstraint("number", name=op.f("uq_deferred_acceptances_number")),
    )
    op.create_index(
        op.f("ix_deferred_acceptances_customer_id"), "deferred_acceptances", ["customer_id"]
    )
    op.create_index(op.f("ix_deferred_acceptances_due_on"), "deferred_acceptances", ["due_on"])
    op.create_index(op.f("ix_deferred_acceptances_status"), "deferred_acceptances", ["status"])
    op.create_table(
        "deferred_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acceptance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("supplied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supplied_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acceptance_id"],
            ["deferred_acceptances.id"],
            name=op.f("fk_deferred_items_acceptance_id_deferred_acceptances"),
        ),
        sa.ForeignKeyConstraint(
            ["supplied_by_id"], ["users.id"], name=op.f("fk_deferred_items_supplied_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deferred_items")),
    )
    op.create_index(op.f("ix_deferred_items_acceptance_id"), "deferred_items", ["acceptance_id"])
    op.bulk_insert(notices, catalogue_rows())


def downgrade():
    op.drop_index(op.f("ix_deferred_items_acceptance_id"), table_name="deferred_items")
    op.drop_table("deferred_items")
    for name in ("status", "due_on", "customer_id"):
        op.drop_index(op.f(f"ix_deferred_acceptances_{name}"), table_name="deferred_acceptances")
    op.drop_table("deferred_acceptances")
    op.drop_table("notice_entries")
    for name in SEARCH_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # pg_trgm stays: dropping an extension another area may have come to use is not ours to do.
