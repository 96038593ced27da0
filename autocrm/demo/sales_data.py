"""The numbers and texts of the demo's sales year (seed 002 where it gives them, else dealer
practice, marked as our default). Everything a consultant or a director types is Chinese:
it is dealer data, not interface text."""

from __future__ import annotations

from autocrm.demo.people import Picker

# --- volumes (our default, sized to the customers a demo dealer has) ---------------------------

#: Prospects (opportunities) registered a year per customer of the dealer, with a floor so a
#: small demo still shows every shape, and a ceiling of a busy dealership.
PROSPECTS_PER_CUSTOMER = 0.3
MIN_PROSPECTS, MAX_PROSPECTS = 240, 3000
#: Showroom walk-ins a year per prospect (traffic = walk-ins; ≈ half of them register).
WALK_INS_PER_PROSPECT = 1.45
#: Leads from the platforms, the phone, the OEM, referrals and events per prospect.
LEADS_PER_PROSPECT = 1.0
#: CADA 2019: lead-to-sale conversion 4-8 %; ours is 6 % of the leads (repeats not counted).
LEAD_TO_SALE = 0.06
#: Seed 002: "熟人介绍的客户，在成交率上要较其他渠道高10%".
REFERRAL_BONUS = 0.10
#: Seed 002 "潜在客户成交周期": 54.2 % within the month, 38.5 % after six months or more.
CYCLE_ZERO, CYCLE_LATE = 0.542, 0.385

# --- the showroom ------------------------------------------------------------------------------

#: Per consultant (sales1 … sales6): the share of walk-ins they register, their first-response
#: bands (on time, late, missed) and how often they give a sale up too early. sales5 registers
#: few (seed 002: "通过对比销售顾问的留档率，可以及时发现并辅导能力弱的销售人员").
CONSULTANTS = (
    (0.56, (0.90, 0.07, 0.03), 0.6),
    (0.52, (0.82, 0.12, 0.06), 0.8),
    (0.50, (0.78, 0.14, 0.08), 1.0),
    (0.48, (0.58, 0.24, 0.18), 1.0),
    (0.24, (0.70, 0.18, 0.12), 1.8),
    (0.44, (0.74, 0.16, 0.10), 1.2),
)
#: Seed 002: "周五的留档率明显低于其它工作日，说明展厅管理松懈".
FRIDAY_REGISTRATION = 0.45

#: Seed 002, "信息来源" (standard codes): 报纸 35, 熟人介绍 20, 其他 16, 网络 11, 店头广告 8,
#: 电视 6, 车展 4.
SOURCE_SHARES = {
    "newspaper": 0.35,
    "referral": 0.20,
    "other": 0.16,
    "internet": 0.11,
    "outdoor_ad": 0.08,
    "tv": 0.06,
    "motor_show": 0.04,
}

#: Leads other than walk-ins: (LeadSource, share, share that opens an opportunity).
LEAD_SOURCES = (
    ("autohome", 0.30, 0.24),
    ("dongchedi", 0.19, 0.22),
    ("yiche", 0.11, 0.22),
    ("phone", 0.22, 0.36),
    ("oem", 0.06, 0.26),
    ("referral", 0.08, 0.62),
    ("event", 0.04, 0.44),
)
PLATFORMS = {"autohome": "汽车之家", "dongchedi": "懂车帝", "yiche": "易车"}
CLOCKED = frozenset({"phone", "autohome", "dongchedi", "yiche", "oem"})
#: Of the platform leads: the same person sends the lead again within the week.
REPEAT_RATE = 0.08

#: The dealer's own information sources, mapped to the standard ones (seed 002: "经销商可根据
#: 当地情况在DSCRM中设置具体的报纸名称"). The named newspaper is per city.
OWN_SOURCES = (
    ("汽车之家", "internet"),
    ("懂车帝", "internet"),
    ("易车", "internet"),
    ("店头广告", "outdoor_ad"),
)
NEWSPAPERS = {"广州": "广州日报", "深圳": "深圳特区报", "长沙": "长沙晚报"}

# --- outcomes ----------------------------------------------------------------------------------

#: Seed 002, "流失原因": 价格 22, 配置 8, 没有现车 6, 颜色 3, 其它 61 (排量, 排放 0); of 其它 we
#: put a half on the competitor's car bought instead (the lost request names it).
LOST_REASONS = Picker(
    ("price", "configuration", "no_stock", "colour", "competitor", "other"),
    (22, 8, 6, 3, 30, 31),
)
#: Of the decided lost requests, the share the director rejects (our default).
REJECTED_SHARE = 0.14
#: Of the approved lost sales, sampled for a call; of the calls, the results. Trade reports
#: put 主观战败 at 40-50 % of followed leads: "still winnable" is 45 % of the reached calls.
CALL_SAMPLE = 0.22
CALL_RESULTS = Picker(
    ("nothing", "competitor", "no_longer", "confirmed", "not_reached"), (40, 20, 10, 19, 11)
)
PAYMENTS = Picker(("full", "loan", "lease", "installment"), (44, 46, 4, 6))

STAGES = ("obtained", "clarified", "confirmed", "negotiation", "contract", "delivered")
FIRST_STAGE_WALK_IN = Picker((0, 1, 2), (35, 45, 20))
FIRST_STAGE_LEAD = Picker((0, 1), (70, 30))
#: How far a sale that is lost got (the furthest stage index).
LOST_FURTHEST = Picker((0, 1, 2, 3, 4), (24, 34, 26, 13, 3))
OPEN_FURTHEST = Picker((0, 1, 2, 3, 4), (22, 30, 26, 16, 6))
PURCHASE_TIME = Picker(
    (("week", 7), ("month", 30), ("quarter", 90), ("half_year", 180), ("later", 300)),
    (15, 35, 30, 12, 8),
)
DRIVES = Picker(("pull", "push", "drop"), (55, 35, 10))
PLAN_KINDS = Picker(("call", "visit", "test_drive", "quote"), (62, 16, 12, 10))
PLAN_OUTCOMES = Picker(("done", "not_reached", "rescheduled"), (72, 18, 10))

# --- the prospect's background (seed 002, "潜在客户背景分析") -------------------------------------

AGE_BANDS = Picker(
    ("0-20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50", "51-55", "56+"),
    (2, 10, 19, 22, 18, 12, 9, 5, 3),
)
#: Seed 002: of the prospects in trade, 私营业主 and 个体户 are over two thirds.
POSITIONS = Picker(
    (
        "owner",
        "self_employed",
        "senior_manager",
        "middle_manager",
        "employee",
        "professional",
        "civil_servant",
        "other",
    ),
    (28, 18, 8, 13, 21, 7, 3, 2),
)
#: Seed 002: "潜在客户的爱好偏重自驾游、驾驶、保龄球方面".
HOBBIES = Picker(
    (
        "travel",
        "outdoor",
        "cars",
        "fitness",
        "music",
        "reading",
        "photography",
        "golf",
        "fishing",
        "tea",
        "food",
    ),
    (26, 14, 15, 9, 8, 7, 6, 4, 4, 3, 4),
)

# --- what people write -------------------------------------------------------------------------

PLAN_NOTES = {
    "call": ("电话回访，了解购车进度", "确认客户对报价的想法", "邀约本周末到店", "跟进贷款方案"),
    "visit": ("邀约到店看车", "到店看实车和颜色", "带家人到店再看一次"),
    "test_drive": ("预约试驾", "安排周末试驾", "试驾四驱版"),
    "quote": ("报价，谈优惠方案", "发送置换补贴和金融方案", "店长审批最终价格"),
    "delivery": ("交车准备",),
}
OUTCOME_NOTES = {
    "done": (
        "客户还在比较，下周再联系",
        "已约周六到店",
        "客户对价格有顾虑",
        "客户比较满意，等家人意见",
        "试驾体验很好",
        "已发报价单",
        "客户想等月底优惠",
    ),
    "not_reached": ("客户未接听", "电话无人接听，已发短信", "关机"),
    "rescheduled": ("客户出差，改约下周", "改约周末", "客户临时有事，改天"),
}
LOST_NOTES = {
    "price": ("客户觉得优惠不够，竞品便宜一万多", "预算有限，价格谈不拢", "别家店报价更低"),
    "configuration": ("想要全景天窗，低配没有", "对车机配置不满意", "想要四驱版，预算不够"),
    "no_stock": ("想要的配置没有现车，等不了", "现车颜色不合适，不愿意等"),
    "colour": ("想要的颜色要等两个月", "家人不喜欢现有颜色"),
    "competitor": ("已在别家买了{car}", "最后选了{car}"),
    "other": (
        "家里暂时不买了",
        "预算不够，暂缓购车",
        "电话一直不接，多次联系不上",
        "工作调动，离开本地",
    ),
}
LEAD_NOTES = ("询底价", "预约试驾", "想了解置换补贴", "问有没有现车", "想了解金融方案", "")
LEAD_CLOSED_NOTES = ("空号，号码错误", "同行询价", "已在其他店购车", "只是了解价格，暂无购车计划")
DECISION_NOTES = {
    "approved": ("同意战败", "确认战败", ""),
    "rejected": ("客户还在比较，再跟进一次", "先邀约到店再说", "价格可以再申请，别放弃"),
}
CALL_NOTES = {
    "nothing": ("客户说还没买，还在看", "还没定，可以再谈", "客户表示顾问没再联系过"),
    "competitor": ("客户已购买竞品",),
    "no_longer": ("客户暂时不买车了",),
    "confirmed": ("客户确认原因属实",),
    "not_reached": ("无人接听",),
}
ABSENCES = (
    # (consultant index, days before today it starts, days, reason)
    (2, 150, 6, "leave"),
    (3, 45, 2, "training"),
    (5, 12, 1, "day_off"),
    (1, 220, 3, "leave"),
)
#: An absence to come (the setup page lists it), by consultant index, days from today, days.
UPCOMING_ABSENCE = (3, 6, 4, "leave")
