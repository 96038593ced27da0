"""The demo group's dealers and the cars they sell.

WMIs are those of the Chinese joint ventures (GAC Toyota LVG, SAIC Volkswagen LSV, BYD LGX);
the VDS strings are made up but well-formed; prices are guide prices in 10,000 CNY.
"""

from __future__ import annotations

from dataclasses import dataclass

from autocrm.demo.regions_data import CHANGSHA, GUANGZHOU, SHENZHEN, City


@dataclass(frozen=True)
class CarModel:
    name: str
    vds: str  # VIN positions 4-8
    price_low: float  # 10,000 CNY
    price_high: float
    weight: float  # share of the dealer's sales
    new_energy: float  # share sold with a green (new-energy) plate


@dataclass(frozen=True)
class DealerSpec:
    prefix: str  # username prefix: gz_sales1
    code: str
    name: str
    brand: str
    city: City
    district: str  # where the showroom is
    share: float  # share of the group's customers
    wmi: str
    plant: str  # VIN position 11
    models: tuple[CarModel, ...]


GROUP_CODE = "huanan"
GROUP_NAME = "华南汽车集团"

DEALERS: tuple[DealerSpec, ...] = (
    DealerSpec(
        "gz", "HN-GZ-TOYOTA", "华南广汽丰田天河店", "丰田", GUANGZHOU, "天河区", 0.40,
        "LVG", "G",
        (
            CarModel("凯美瑞", "BE40K", 17.98, 26.98, 30, 0.0),
            CarModel("雷凌", "AE21J", 11.58, 15.58, 25, 0.0),
            CarModel("威兰达", "CA43M", 17.28, 26.28, 15, 0.0),
            CarModel("汉兰达", "GH71N", 26.88, 34.88, 10, 0.0),
            CarModel("锋兰达", "FA12K", 12.98, 17.58, 12, 0.0),
            CarModel("赛那", "XL50H", 30.98, 41.88, 8, 0.0),
        ),
    ),
    DealerSpec(
        "sz", "HN-SZ-VW", "华南上汽大众南山店", "大众", SHENZHEN, "南山区", 0.35,
        "LSV", "S",
        (
            CarModel("朗逸", "AA4CN", 11.29, 15.99, 32, 0.0),
            CarModel("帕萨特", "CB63C", 18.19, 24.79, 20, 0.0),
            CarModel("途观L", "UB65N", 21.58, 28.58, 18, 0.0),
            CarModel("途岳", "UA60T", 15.39, 19.29, 12, 0.0),
            CarModel("凌渡L", "BC43D", 14.69, 18.99, 10, 0.0),
            CarModel("ID.4 X", "EA2EV", 17.99, 27.99, 8, 1.0),
        ),
    ),
    DealerSpec(
        "cs", "HN-CS-BYD", "华南比亚迪岳麓店", "比亚迪", CHANGSHA, "岳麓区", 0.25,
        "LGX", "C",
        (
            CarModel("秦PLUS", "C4EB4", 7.98, 14.58, 28, 0.95),
            CarModel("宋PLUS", "E2GC4", 13.98, 18.98, 24, 0.95),
            CarModel("汉", "H1FB5", 16.98, 25.98, 14, 0.95),
            CarModel("唐", "T3HD5", 17.98, 27.98, 8, 0.95),
            CarModel("元PLUS", "Y2EB4", 11.98, 16.38, 14, 1.0),
            CarModel("海豚", "D1AA2", 9.98, 12.98, 12, 1.0),
        ),
    ),
)  # fmt: skip

COLOURS = ("珍珠白", "曜石黑", "铂金银", "星光蓝", "中国红", "极地灰", "香槟金")

#: VIN model-year codes (position 10), ISO 3779.
MODEL_YEAR_CODES = {
    2015: "F", 2016: "G", 2017: "H", 2018: "J", 2019: "K", 2020: "L", 2021: "M",
    2022: "N", 2023: "P", 2024: "R", 2025: "S", 2026: "T", 2027: "V",
}  # fmt: skip

#: Staff of every dealer: (username suffix, role, department, how many).
STAFF_PLAN: tuple[tuple[str, str, str, int], ...] = (
    ("sales", "sales_consultant", "sales", 6),
    ("service", "service_advisor", "service", 4),
    ("cr", "customer_relations", "customer_relations", 2),
    ("manager", "manager", "sales", 1),
    ("service_manager", "manager", "service", 1),
    ("gm", "general_manager", "management", 1),
)
HQ_USERNAME = "hq_analyst"
PASSWORD = "demo1234"

#: Role titles printed with the logins (domain.md, "Who uses it").
ROLE_TITLES = {
    ("sales_consultant", "sales"): "销售顾问 sales consultant",
    ("service_advisor", "service"): "服务顾问 service advisor",
    ("customer_relations", "customer_relations"): "客户关系 customer relations",
    ("manager", "sales"): "销售经理 sales manager",
    ("manager", "service"): "服务经理 service manager",
    ("general_manager", "management"): "总经理 general manager",
    ("hq_analyst", "hq"): "主机厂总部 HQ analyst",
}
