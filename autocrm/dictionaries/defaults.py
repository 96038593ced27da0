"""The standard options every new dealer starts with (seeds 002 and 003).

Labels are dealer data in Chinese (the dealer may rename or extend them); `standard_code`
is what HQ reports group by.
"""

from __future__ import annotations

from autocrm.dictionaries.models import DictionaryKind

K = DictionaryKind

DEFAULT_ENTRIES: dict[str, list[tuple[str, str]]] = {
    # seed 003: classification by trade relationship
    K.TRADE_RELATIONSHIP: [
        ("long_term", "老客户"),
        ("new", "新客户"),
        ("problem", "问题客户"),
        ("former", "流失客户"),
        ("potential", "潜在客户"),
    ],
    # seed 003: classification by nature
    K.CUSTOMER_NATURE: [
        ("individual", "个人消费者"),
        ("intermediary", "中间商"),
        ("manufacturer", "制造商"),
        ("organization", "政府/机构"),
    ],
    # seed 002: information sources of prospects ("经销商可根据当地情况在DSCRM中设置具体的报纸名称":
    # a dealer adds its local newspapers and the online platforms, mapped to these)
    K.INFO_SOURCE: [
        ("newspaper", "报纸"),
        ("internet", "网络"),
        ("tv", "电视"),
        ("referral", "朋友推荐"),
        ("outdoor_ad", "户外广告"),
        ("motor_show", "车展"),
        ("walk_in", "到店"),
        ("other", "其他"),
    ],
    # seed 002: hobbies (up to three per customer)
    K.HOBBY: [
        ("travel", "旅游"),
        ("golf", "高尔夫"),
        ("fishing", "钓鱼"),
        ("photography", "摄影"),
        ("fitness", "健身"),
        ("reading", "读书"),
        ("music", "音乐"),
        ("cars", "汽车改装"),
        ("tea", "品茶"),
        ("outdoor", "户外运动"),
        ("food", "美食"),
        ("other", "其他"),
    ],
    # seed 003 / 002: industry of the customer or the employer
    K.INDUSTRY: [
        ("manufacturing", "制造业"),
        ("it", "信息技术"),
        ("finance", "金融"),
        ("education", "教育"),
        ("government", "政府机关"),
        ("medical", "医疗卫生"),
        ("retail", "批发零售"),
        ("construction", "建筑地产"),
        ("transport", "交通运输"),
        ("self_employed", "个体经营"),
        ("other", "其他"),
    ],
    # seed 002, "商业贸易业潜在客户的职务"
    K.POSITION: [
        ("owner", "私营业主"),
        ("self_employed", "个体户"),
        ("senior_manager", "公司/企业的高级管理人员"),
        ("middle_manager", "公司/企业的中级管理人员"),
        ("employee", "公司/企业的普通员工"),
        ("professional", "专业人士"),
        ("civil_servant", "公务员"),
        ("other", "其他"),
    ],
    # seed 002, "流失原因分析": 价格 配置 颜色 没有现车 排放标准 排量 其它; the dealer practice adds
    # "bought a competitor's car" (which one is recorded on the lost request)
    K.LOST_REASON: [
        ("price", "价格"),
        ("configuration", "配置"),
        ("colour", "颜色"),
        ("no_stock", "没有现车"),
        ("emission", "排放标准"),
        ("displacement", "排量"),
        ("competitor", "购买了竞品"),
        ("other", "其他"),
    ],
    # seed 002, "购车客户背景分析 … 付款方式"
    K.PAYMENT_METHOD: [
        ("full", "全款"),
        ("loan", "贷款"),
        ("lease", "融资租赁"),
        ("installment", "信用卡分期"),
        ("other", "其他"),
    ],
}
