"""Name tables of the demo generator: surnames, given-name characters, companies, texts.

Frequencies are rounded shares (per mille) of the most common Chinese surnames (2020 household
registration statistics), with the southern surnames (陈 黄 林 梁 罗 曾 …) a little heavier,
as befits dealerships in Guangdong and Hunan. Only relative weights matter.
"""

from __future__ import annotations

SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 64), ("刘", 54), ("陈", 60), ("杨", 31), ("黄", 34),
    ("赵", 23), ("吴", 22), ("周", 19), ("徐", 16), ("孙", 15), ("马", 13), ("朱", 13),
    ("胡", 13), ("郭", 12), ("何", 14), ("林", 16), ("高", 11), ("罗", 12), ("郑", 10),
    ("梁", 12), ("谢", 9), ("宋", 8), ("唐", 9), ("许", 8), ("韩", 7), ("冯", 7),
    ("邓", 9), ("曹", 7), ("彭", 8), ("曾", 8), ("肖", 7), ("田", 6), ("董", 6),
    ("袁", 6), ("潘", 6), ("于", 5), ("蒋", 5), ("蔡", 6), ("余", 5), ("杜", 5),
    ("叶", 6), ("程", 5), ("苏", 5), ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4),
    ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 3), ("崔", 3), ("钟", 5), ("谭", 5),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 4), ("贾", 3),
    ("夏", 3), ("韦", 3), ("付", 3), ("方", 3), ("白", 2), ("邹", 3), ("孟", 2),
    ("熊", 3), ("秦", 2), ("邱", 3), ("江", 3), ("尹", 2), ("薛", 2), ("闫", 2),
    ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2),
    ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2),
    ("覃", 1.5), ("区", 0.6), ("单", 0.5), ("解", 0.3), ("查", 0.3), ("乐", 0.3),
    ("欧阳", 0.8), ("司徒", 0.4), ("上官", 0.2), ("诸葛", 0.1), ("司马", 0.15),
)  # fmt: skip

#: Given-name characters, most popular first (the generator weights them 1/rank).
GIVEN_MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊峰建国文志海东兵亮晨阳博轩睿泽宏毅"
    "龙林帆旭宁成康荣振德佳子豪嘉铭俊锦诚翔昊天"
)
GIVEN_FEMALE = (
    "芳娜敏静丽艳秀娟英霞燕玲丹萍红婷雪琳晶慧颖洁倩欣怡佳梅莉月莹琴云蓉雅思雨涵萱"
    "楠璐婉妍可馨悦晓彤琪瑶蕾薇欢宁凤"
)
#: Same reading, different character: what a second clerk types for the same name.
HOMOPHONES: dict[str, str] = {
    "伟": "玮炜", "强": "蔷", "军": "君钧", "勇": "永", "杰": "洁婕", "涛": "韬",
    "斌": "彬", "明": "铭鸣", "刚": "钢", "平": "萍", "辉": "晖", "鹏": "朋", "华": "骅桦",
    "飞": "菲", "波": "博", "宇": "雨禹羽", "浩": "昊皓", "凯": "恺", "健": "建剑",
    "俊": "峻骏", "峰": "锋丰", "建": "健", "文": "雯闻", "志": "智", "东": "冬",
    "兵": "冰", "晨": "辰", "阳": "洋扬", "博": "波", "轩": "萱宣", "睿": "瑞锐", "泽": "择",
    "宏": "红弘", "毅": "艺", "龙": "隆", "林": "琳霖", "帆": "凡", "旭": "煦", "宁": "凝",
    "成": "诚", "康": "慷", "荣": "蓉容", "振": "震", "德": "得", "佳": "家嘉", "子": "梓",
    "豪": "毫", "嘉": "佳家", "铭": "明", "锦": "瑾", "诚": "成", "翔": "祥", "昊": "浩",
    "天": "添", "芳": "方", "敏": "珉", "静": "靖婧", "丽": "莉俐", "艳": "燕", "娟": "鹃",
    "英": "瑛", "霞": "侠", "燕": "艳", "玲": "铃龄", "萍": "平", "红": "虹宏", "婷": "庭亭",
    "琳": "林霖", "晶": "菁", "慧": "惠蕙", "颖": "莹", "洁": "杰", "倩": "茜", "欣": "馨心",
    "怡": "仪宜", "梅": "玫", "莉": "丽", "月": "悦", "莹": "颖盈", "琴": "芹", "云": "芸",
    "雅": "亚", "思": "斯", "雨": "宇语", "涵": "晗", "萱": "轩", "楠": "南", "璐": "露",
    "婉": "宛", "妍": "艳", "可": "珂", "馨": "欣", "悦": "月", "晓": "筱", "彤": "童",
    "琪": "琦淇", "瑶": "遥", "蕾": "磊", "薇": "微", "欢": "环", "凤": "峰",
}  # fmt: skip

#: Forms of address that make a placeholder name (王先生, 李女士, 张总).
TITLES_MALE = ("先生", "先生", "先生", "总", "老板", "师傅")
TITLES_FEMALE = ("女士", "女士", "小姐")

# --- organizations -------------------------------------------------------------------------
#: Trade names (字号) of small companies.
TRADE_NAMES = (
    "鑫盛", "宏达", "恒通", "华泰", "永兴", "金辉", "瑞丰", "德信", "鸿运", "众诚", "天宇",
    "博远", "汇丰", "嘉禾", "中联", "新锐", "盛世", "广源", "顺发", "利达", "东方", "兴业",
    "创维", "海川", "云帆", "锦程", "立信", "合力", "聚鑫", "安达",
)  # fmt: skip
#: (line of business, customer-nature code, industry code)
COMPANY_KINDS: tuple[tuple[str, str, str], ...] = (
    ("贸易有限公司", "intermediary", "retail"),
    ("汽车租赁有限公司", "intermediary", "transport"),
    ("物流有限公司", "intermediary", "transport"),
    ("商贸有限公司", "intermediary", "retail"),
    ("科技有限公司", "manufacturer", "it"),
    ("电子有限公司", "manufacturer", "manufacturing"),
    ("建材有限公司", "manufacturer", "construction"),
    ("实业有限公司", "manufacturer", "manufacturing"),
    ("装饰工程有限公司", "manufacturer", "construction"),
    ("餐饮管理有限公司", "intermediary", "retail"),
)
#: Public bodies: (name pattern with {district}, nature, industry, USCC prefix)
INSTITUTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("{district}人民医院", "organization", "medical", "12"),
    ("{district}第二中学", "organization", "education", "12"),
    ("{district}城市管理局", "organization", "government", "11"),
    ("{district}市场监督管理局", "organization", "government", "11"),
)

# --- free texts ----------------------------------------------------------------------------
FORMER_REASONS = (
    "搬迁外地", "车辆已卖出", "转到其他4S店保养", "对服务不满意", "价格原因转到路边店",
    "车辆报废", "联系不上",
)  # fmt: skip
EDUCATIONS = ("secondary", "college", "bachelor", "bachelor", "master", "primary")
INCOME_BANDS = ("lt100k", "100k_200k", "100k_200k", "200k_500k", "500k_1m", "gt1m")
POSITIONS = ("经理", "主管", "职员", "工程师", "教师", "医生", "个体户", "销售", "公务员", "司机")
EMPLOYER_SUFFIXES = ("科技有限公司", "贸易有限公司", "实业有限公司", "电子厂", "物流公司")
EMAIL_DOMAINS = ("qq.com", "qq.com", "qq.com", "163.com", "163.com", "126.com", "sina.com")
FAMILY_RELATIONS = ("配偶", "儿子", "女儿", "父亲", "母亲")
PRIVATE_RELATIONS = ("配偶", "朋友", "同事", "亲戚", "儿子", "女儿")
COMPANY_POSITIONS = ("行政主管", "采购经理", "车队负责人", "办公室主任")
INSURERS = ("人保财险", "平安产险", "太平洋产险", "国寿财险")
EVENT_NAMES = ("新车品鉴会", "车主自驾游", "夏季免费检测", "亲子嘉年华", "冬季送温暖活动")
FOLLOW_UP_OUTCOMES = (
    "非常满意", "满意", "满意", "比较满意", "不满意：等待时间长", "不满意：价格偏高",
    "满意，愿意推荐朋友", "无人接听", "客户忙，改天再联系",
)  # fmt: skip
WRONG_NUMBER_OUTCOMES = ("非本人，号码错误", "空号", "号码已停机")
VISIT_SUMMARIES = ("到店看车", "试乘试驾", "常规保养", "钣金喷漆", "更换轮胎", "首保")
PROSPECT_OUTCOMES = ("仍在比较车型", "预算不足，暂缓购车", "约定周末到店试驾", "已在他处购车")
REMARKS = ("周末方便联系", "只接受微信联系", "老客户介绍", "对价格敏感", "家有两台车")
