"""A second, independent ground truth for identity: dealer export files as real ones look.

    python -m bench.identity_data --out DIR [--seed 1] [--scale 1.0]

Writes the exports of one Shenzhen dealer (about 2,900 rows for 2,200 people at scale 1) in
three column layouts, and `truth.json` beside them. Nothing here comes from `autocrm.demo`:
the name, place and vehicle lists are this module's own, and the dirt is not a model of typos
but the way real exports are put together:

- households: spouses, parents and children, each with their own name and (mostly) their own
  ID number, listed with the buyer's mobile;
- fleets: a logistics company (有限公司, with its USCC) owning several cars, its drivers'
  cars entered under the fleet manager's mobile or the company's landline;
- namesakes: different people with a common name (王伟, 李娜) in the same city;
- resold cars: one VIN for a first owner and a later, used-car owner (same file or later);
- the same person on several rows (a repeat purchase, a service visit, the next month's
  export) under a placeholder name (张女士), a homophone, traditional characters, pinyin or an
  English name; two numbers in one cell, the landline only, a mobile in the 电话 column; the ID
  number on one row only, a lowercase x, the old 15-digit number; the address written another
  way (no city, a compound without road, 28栋1504 against 28-1504, 号院, 宝安县 on an old
  record);
- single bad cells: consultants of another system, a gender disagreeing with the ID number,
  dates in several formats, an impossible date, an e-mail without @.

The files:

1. ``01_本店模板_2019-2022.xlsx``: our own import template's headers (a clerk's sheet);
2. ``02_DMS导出_客户车辆_2023.csv``: another DMS's export (客户名称/手机号码/联系电话/证件号码/
   销售顾问…), GBK;
3. ``03_售后车主信息_分省市.xlsx``: an after-sales owner list with 省份/城市/区县/详细地址 split,
   a title above the header;
4. ``04_DMS导出_客户车辆_2024-06.csv``: the same DMS a later month, UTF-8 with BOM (used-car
   buyers of resold cars, people seen again).

`truth.json` (kept out of the files): per file its rows (sheet row number as Excel shows it →
person id), the people's true attributes, the vehicles' ownership (VIN → [[person, from, to]])
and the counts of every case.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

# --- Reference lists (this module's own) ------------------------------------------------------

#: Surname, weight (per mille, roughly as in Guangdong), pinyin, traditional form.
SURNAMES: tuple[tuple[str, int, str, str], ...] = (
    ("陈", 90, "Chen", "陳"), ("李", 75, "Li", "李"), ("张", 60, "Zhang", "張"),
    ("王", 60, "Wang", "王"), ("刘", 50, "Liu", "劉"), ("黄", 50, "Huang", "黃"),
    ("林", 40, "Lin", "林"), ("杨", 30, "Yang", "楊"), ("吴", 30, "Wu", "吳"),
    ("周", 25, "Zhou", "周"), ("郑", 25, "Zheng", "鄭"), ("何", 22, "He", "何"),
    ("罗", 22, "Luo", "羅"), ("梁", 22, "Liang", "梁"), ("谢", 20, "Xie", "謝"),
    ("赵", 20, "Zhao", "趙"), ("徐", 18, "Xu", "徐"), ("孙", 15, "Sun", "孫"),
    ("马", 15, "Ma", "馬"), ("朱", 15, "Zhu", "朱"), ("胡", 15, "Hu", "胡"),
    ("郭", 15, "Guo", "郭"), ("高", 12, "Gao", "高"), ("宋", 10, "Song", "宋"),
    ("唐", 10, "Tang", "唐"), ("许", 12, "Xu", "許"), ("邓", 15, "Deng", "鄧"),
    ("冯", 10, "Feng", "馮"), ("韩", 8, "Han", "韓"), ("曾", 15, "Zeng", "曾"),
    ("彭", 10, "Peng", "彭"), ("蔡", 12, "Cai", "蔡"), ("潘", 8, "Pan", "潘"),
    ("叶", 12, "Ye", "葉"), ("钟", 12, "Zhong", "鍾"), ("卢", 8, "Lu", "盧"),
    ("苏", 8, "Su", "蘇"), ("余", 8, "Yu", "余"), ("邱", 8, "Qiu", "邱"),
    ("赖", 8, "Lai", "賴"), ("温", 6, "Wen", "溫"), ("方", 6, "Fang", "方"),
    ("袁", 6, "Yuan", "袁"), ("严", 4, "Yan", "嚴"), ("黎", 6, "Li", "黎"),
    ("欧阳", 3, "Ouyang", "歐陽"), ("司徒", 1, "Situ", "司徒"),
)  # fmt: skip

#: Given-name character: pinyin, traditional form, who it is given to (m, f, u), homophones.
GIVEN: dict[str, tuple[str, str, str, str]] = {
    "伟": ("wei", "偉", "m", "玮炜"), "强": ("qiang", "強", "m", ""),
    "军": ("jun", "軍", "m", "君"), "勇": ("yong", "勇", "m", "永"),
    "杰": ("jie", "傑", "m", "捷"), "涛": ("tao", "濤", "m", "韬"),
    "明": ("ming", "明", "m", "铭"), "辉": ("hui", "輝", "m", "晖"),
    "峰": ("feng", "峰", "m", "锋"), "建": ("jian", "建", "m", "健"),
    "华": ("hua", "華", "u", "桦"), "国": ("guo", "國", "m", ""),
    "东": ("dong", "東", "m", "冬"), "志": ("zhi", "志", "m", "智"),
    "鹏": ("peng", "鵬", "m", "朋"), "斌": ("bin", "斌", "m", "彬"),
    "浩": ("hao", "浩", "m", "昊"), "宇": ("yu", "宇", "m", "禹"),
    "俊": ("jun", "俊", "m", "骏"), "文": ("wen", "文", "u", "雯"),
    "海": ("hai", "海", "m", ""), "龙": ("long", "龍", "m", ""),
    "平": ("ping", "平", "u", "萍"), "晓": ("xiao", "曉", "u", ""),
    "娜": ("na", "娜", "f", "纳"), "丽": ("li", "麗", "f", "莉俪"),
    "静": ("jing", "靜", "f", "婧"), "敏": ("min", "敏", "f", "旻"),
    "芳": ("fang", "芳", "f", "方"), "艳": ("yan", "艷", "f", "燕"),
    "婷": ("ting", "婷", "f", "亭"), "玲": ("ling", "玲", "f", "苓"),
    "霞": ("xia", "霞", "f", ""), "红": ("hong", "紅", "f", "虹"),
    "娟": ("juan", "娟", "f", "鹃"), "英": ("ying", "英", "f", "莹"),
    "慧": ("hui", "慧", "f", "惠"), "琳": ("lin", "琳", "f", "林"),
    "欣": ("xin", "欣", "f", "馨"), "雪": ("xue", "雪", "f", ""),
    "梅": ("mei", "梅", "f", "玫"), "洋": ("yang", "洋", "u", "阳"),
    "佳": ("jia", "佳", "u", "嘉"), "怡": ("yi", "怡", "f", "宜"),
    "子": ("zi", "子", "u", ""), "思": ("si", "思", "u", ""),
    "雨": ("yu", "雨", "u", "语"), "凤": ("feng", "鳳", "f", ""),
    "秀": ("xiu", "秀", "f", ""), "春": ("chun", "春", "u", ""),
    "荣": ("rong", "榮", "m", "容"), "庆": ("qing", "慶", "m", ""),
}  # fmt: skip
ENGLISH_NAMES = {
    "m": ("David", "Michael", "Kevin", "Jason", "Eric", "Tony", "Jack", "Peter"),
    "f": ("Lily", "Amy", "Grace", "Vivian", "Cherry", "Linda", "Coco", "Helen"),
}
#: Common full names that several different people in one city carry.
NAMESAKE_NAMES = ("王伟", "李娜", "张伟", "王芳", "李静", "刘洋", "张敏", "陈静", "李伟", "黄婷")
PLACEHOLDER_SUFFIXES = {"m": ("先生", "先生", "总", "生", "老板"), "f": ("女士", "女士", "小姐")}


@dataclass(frozen=True)
class District:
    name: str
    code: str  # the ID-number area code of today
    roads: tuple[str, ...]
    compounds: tuple[str, ...]
    #: How an old record (before the 1990s re-districting) wrote the place: 宝安县龙华镇.
    old: str = ""
    postcode: str = "518000"


SHENZHEN: tuple[District, ...] = (
    District("南山区", "440305",
             ("桃园路", "南海大道", "科技园路", "南山大道", "前海路", "沙河西路"),
             ("香山里花园", "南油小区", "蔚蓝海岸", "桃源村", "海月花园"), postcode="518052"),
    District("福田区", "440304", ("深南中路", "福华路", "彩田路", "红荔路", "新洲路"),
             ("景田小区", "莲花北村", "香蜜湖新村", "皇岗花园"), postcode="518033"),
    District("罗湖区", "440303", ("东门中路", "翠竹路", "宝安南路", "文锦中路", "爱国路"),
             ("百仕达花园", "翠竹苑", "鹿丹村"), postcode="518001"),
    District("宝安区", "440306", ("建安一路", "西乡大道", "宝民路", "新湖路", "创业二路"),
             ("宝城小区", "新安花园", "碧海花园", "西乡名居"), old="宝安县新安镇",
             postcode="518101"),
    District("龙岗区", "440307", ("龙岗大道", "吉华路", "龙翔大道", "布澜路"),
             ("万科四季花城", "龙城花园", "中海怡翠山庄"), old="宝安县布吉镇",
             postcode="518116"),
    District("龙华区", "440309", ("民治大道", "梅龙路", "人民路", "东环二路"),
             ("锦绣江南", "星河盛世", "民乐花园"), old="宝安县龙华镇", postcode="518109"),
    District("盐田区", "440308", ("沙头角深盐路", "海山路", "东海道"), ("海涛花园", "金海湾"),
             postcode="518081"),
)  # fmt: skip
#: Where migrants' ID numbers come from (area code, place); 监利县 became 监利市 in 2020.
ORIGINS: tuple[tuple[str, str], ...] = (
    ("430102", "湖南省长沙市芙蓉区"), ("430421", "湖南省衡阳县"), ("441402", "广东省梅州市梅江区"),
    ("441481", "广东省兴宁市"), ("445202", "广东省揭阳市榕城区"), ("440514", "广东省汕头市潮南区"),
    ("360702", "江西省赣州市章贡区"), ("420106", "湖北省武汉市武昌区"), ("421023", "湖北省监利县"),
    ("450102", "广西南宁市兴宁区"), ("510104", "四川省成都市锦江区"),
    ("411502", "河南省信阳市浉河区"), ("440321", "广东省宝安县"),
)  # fmt: skip
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "182", "183",
    "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181",
    "189", "177", "199", "166",
)  # fmt: skip
#: Brand, models, WMI (the dealer sells GAC Toyota; service and used cars bring others).
BRANDS: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    ("丰田", ("凯美瑞", "汉兰达", "雷凌", "致炫", "C-HR", "威兰达", "赛那"), "LVG", 70),
    ("丰田", ("卡罗拉", "亚洲龙", "RAV4荣放", "皇冠陆放"), "LFM", 12),
    ("本田", ("雅阁", "思域", "CR-V"), "LHG", 8),
    ("大众", ("朗逸", "速腾", "迈腾", "帕萨特"), "LSV", 7),
    ("日产", ("轩逸", "天籁"), "LGB", 3),
)  # fmt: skip
COLORS = ("珍珠白", "铂金白", "极光银", "曜石黑", "灰色", "星光蓝", "魅力红", "白色", "黑色")
COMPANY_TRADES = ("顺达", "鹏程", "安捷", "宏运", "万通", "德邦信", "速捷", "华南", "金盛", "利群")
COMPANY_KINDS = ("物流有限公司", "供应链管理有限公司", "运输有限公司", "汽车租赁有限公司",
                 "建筑工程有限公司", "实业有限公司")  # fmt: skip
#: This dealer's staff (created by the benchmark) and another system's consultants (not staff).
OWN_STAFF = ("周婷", "黄志强", "林晓燕", "陈俊杰", "吴海涛", "郑丽萍")
FOREIGN_CONSULTANTS = ("刘晓东", "孙丽华", "DMS_admin", "admin", "系统管理员", "何俊(离职)", "张工")
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "139.com", "sina.com", "foxmail.com")
REMARKS = ("老客户转介绍", "置换", "团购", "保险到期提醒", "首保已做", "不要打电话，发短信",
           "", "", "", "", "", "")  # fmt: skip

DEALER_CITY = "深圳市"
DEALER_PROVINCE = "广东省"

# --- Check digits (own implementations of the published standards) -----------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character of a resident ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id15_to_18(old: str) -> str:
    """The 18-digit form of an old 15-digit ID number (19 inserted before the year)."""
    first17 = old[:6] + "19" + old[6:15]
    return first17 + id_check(first17)


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}  # fmt: skip
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_YEARS = {y: c for y, c in zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True)}


def vin_with_check(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return vin[:8] + check + vin[9:]


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_for(rng: random.Random, region: str = "440300") -> str:
    """A GB 32100 unified social credit code: 91 (enterprise), region, organization code
    (GB 11714, its own check character), check character."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10]) for _ in range(2))
    body += "".join(rng.choice(_USCC_CHARS[:10]) for _ in range(6))
    org_total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    org_check = 11 - org_total % 11
    body += {10: "X", 11: "0"}.get(org_check, str(org_check))
    first17 = "91" + region + body
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


# --- The people -----------------------------------------------------------------------------


@dataclass
class Home:
    district: int  # index into SHENZHEN
    road: str
    number: int
    compound: str  # "" for a street address
    building: int
    room: str


@dataclass
class Person:
    pid: int
    kind: str  # "person" | "organization"
    name: str
    gender: str  # "男" | "女" | ""
    birth: str  # ISO date or ""
    id_number: str  # 18 characters, "" when the person never gave one
    uscc: str
    mobile: str  # own mobile ("" for a child without one)
    landline: str
    email: str
    home: Home
    role: str  # single, buyer, spouse, child, parent, company, fleet_manager, driver, namesake,
    #            used_car_buyer
    group: str = ""  # "household:3", "fleet:2", "namesake:王伟"
    surname: str = ""
    given: str = ""
    english: str = ""
    old_id15: str = ""  # the 15-digit number old records carry
    later_mobile: str = ""  # a number taken later (rows after the change show it)


@dataclass
class Car:
    vin: str
    plate: str
    brand: str
    model: str
    color: str
    bought: date
    price: int


@dataclass
class Row:
    """One row of an export, before it is written in a file's layout."""

    pid: int
    file: int
    car: Car | None
    kind: str  # purchase, service, repeat, resale, second_export, fleet
    on: date  # the date the row's event happened (a purchase or a visit)
    contact: str = "own"  # own, household, fleet_manager, company_landline
    variants: list[str] = field(default_factory=list)
    usable: bool = True  # the row names someone: a name, a phone, an ID number or a VIN


@dataclass
class Truth:
    people: dict[int, Person] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    ownership: dict[str, list[list[Any]]] = field(default_factory=dict)
    cases: Counter[str] = field(default_factory=Counter)


class Generator:
    def __init__(self, seed: int, scale: float) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.truth = Truth()
        self.mobiles: set[str] = set()
        self.landlines: set[str] = set()
        self.vins: set[str] = set()
        self.plates: set[str] = set()
        self.ids: set[str] = set()
        self.households: dict[str, list[int]] = {}
        self.fleets: dict[str, dict[str, Any]] = {}
        self.today = date(2024, 6, 30)

    # -- values -----------------------------------------------------------------------------

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles and len(set(number[3:])) > 3:
                self.mobiles.add(number)
                return number

    def landline(self) -> str:
        while True:
            number = f"0755-{self.rng.choice('2368')}{self.rng.randrange(10**7):07d}"
            if number not in self.landlines:
                self.landlines.add(number)
                return number

    def surname(self) -> tuple[str, str, str]:
        s, _w, py, trad = self.rng.choices(SURNAMES, [w for _s, w, _p, _t in SURNAMES])[0]
        return s, py, trad

    def given(self, gender: str) -> str:
        sex = "m" if gender == "男" else "f"
        pool = [c for c, (_p, _t, g, _h) in GIVEN.items() if g in (sex, "u")]
        if self.rng.random() < 0.3:
            return self.rng.choice(pool)
        return "".join(self.rng.sample(pool, 2))

    def id_number(self, birth: date, gender: str, *, local: bool, district: int) -> str:
        while True:
            if local and birth.year >= 1993:
                area = SHENZHEN[district].code
            elif local:
                area = "440321" if SHENZHEN[district].old else "440301"
            else:
                area = self.rng.choice(ORIGINS)[0]
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
            first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def home(self, district: int | None = None) -> Home:
        d = self.rng.randrange(len(SHENZHEN)) if district is None else district
        info = SHENZHEN[d]
        compound = self.rng.choice(info.compounds) if self.rng.random() < 0.6 else ""
        return Home(
            district=d,
            road=self.rng.choice(info.roads),
            number=self.rng.randint(1, 399),
            compound=compound,
            building=self.rng.randint(1, 32),
            room=f"{self.rng.randint(1, 33)}{self.rng.randint(1, 8):02d}",
        )

    def car(self, bought: date, *, brand_index: int | None = None) -> Car:
        rng = self.rng
        if brand_index is None:
            brand_index = rng.choices(range(len(BRANDS)), [b[3] for b in BRANDS])[0]
        brand, models, wmi, _w = BRANDS[brand_index]
        while True:
            vds = (
                "".join(rng.choice(VIN_CHARS[10:]) for _ in range(3)) + f"{rng.randrange(100):02d}"
            )
            body = f"{wmi}{vds}0{VIN_YEARS.get(bought.year, 'L')}{rng.choice('ABCDSN')}"
            vin = vin_with_check(body + f"{rng.randrange(10**6):06d}")
            if vin not in self.vins:
                self.vins.add(vin)
                break
        while True:
            if rng.random() < 0.2 and bought.year >= 2019:  # new-energy plate
                plate = "粤B" + rng.choice("DF") + f"{rng.randrange(10**5):05d}"
            else:
                city = rng.choices(("粤B", "粤S", "湘A", "粤L"), (92, 4, 2, 2))[0]
                plate = city + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
                                       for _ in range(5))  # fmt: skip
            if plate not in self.plates:
                self.plates.add(plate)
                break
        return Car(vin, plate, brand, rng.choice(models), rng.choice(COLORS), bought,
                   rng.randrange(120, 420) * 1000)  # fmt: skip

    def person(
        self,
        role: str,
        *,
        gender: str | None = None,
        surname: tuple[str, str, str] | None = None,
        born: tuple[int, int] = (1960, 1998),
        name: str | None = None,
        home: Home | None = None,
        own_mobile: bool = True,
        group: str = "",
    ) -> Person:
        rng = self.rng
        gender = gender or ("男" if rng.random() < 0.62 else "女")
        birth = date(rng.randint(*born), 1, 1) + timedelta(days=rng.randrange(365))
        if name:
            s = next(x for x in SURNAMES if name.startswith(x[0]))
            surname_t, given = (s[0], s[2], s[3]), name[len(s[0]) :]
        else:
            surname_t = surname or self.surname()
            given = self.given(gender)
        home = home or self.home()
        local = rng.random() < 0.3
        id_number = self.id_number(birth, gender, local=local, district=home.district)
        pid = len(self.truth.people) + 1
        sex = "m" if gender == "男" else "f"
        p = Person(
            pid=pid, kind="person", name=surname_t[0] + given, gender=gender,
            birth=birth.isoformat(), id_number=id_number, uscc="",
            mobile=self.mobile() if own_mobile else "",
            landline=self.landline() if rng.random() < 0.2 else "",
            email=self._email(surname_t[1], given) if rng.random() < 0.3 else "",
            home=home, role=role, group=group, surname=surname_t[0], given=given,
            english=rng.choice(ENGLISH_NAMES[sex]) if rng.random() < 0.5 else "",
        )  # fmt: skip
        if birth.year < 1982 and rng.random() < 0.5:
            p.old_id15 = id_number[:6] + id_number[8:17]
            # the old number's 18-digit form is the person's number (same area, same sequence)
            assert id15_to_18(p.old_id15) == id_number
        self.truth.people[pid] = p
        return p

    def _email(self, surname_py: str, given: str) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            local = str(rng.randrange(10**5, 10**10))  # a QQ number
        else:
            local = (
                surname_py.lower()
                + "".join(GIVEN[c][0] for c in given)
                + str(rng.randrange(60, 99))
            )
        return f"{local}@{rng.choice(EMAIL_DOMAINS)}"

    def company(self, group: str) -> Person:
        rng = self.rng
        name = "深圳市" + rng.choice(COMPANY_TRADES) + rng.choice(COMPANY_KINDS)
        while any(p.name == name for p in self.truth.people.values()):
            name = "深圳市" + rng.choice(COMPANY_TRADES) + rng.choice(COMPANY_KINDS)
        pid = len(self.truth.people) + 1
        home = self.home()
        home.compound = ""
        p = Person(
            pid=pid, kind="organization", name=name, gender="", birth="", id_number="",
            uscc=uscc_for(rng), mobile="", landline=self.landline(), email="", home=home,
            role="company", group=group,
        )  # fmt: skip
        self.truth.people[pid] = p
        return p

    def date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    # -- the population --------------------------------------------------------------------

    def build(self) -> Truth:
        rng = self.rng
        target = round(2200 * self.scale)
        n_households = round(170 * self.scale)
        n_fleets = max(2, round(10 * self.scale))
        n_namesakes = max(2, round(len(NAMESAKE_NAMES) * min(1.0, self.scale)))
        n_resales = round(70 * self.scale)
        for h in range(n_households):
            self._household(f"household:{h + 1}")
        for f in range(n_fleets):
            self._fleet(f"fleet:{f + 1}")
        for name in NAMESAKE_NAMES[:n_namesakes]:
            gender = "女" if name[-1] in "娜芳静敏婷" else "男"
            for _ in range(rng.choice((2, 2, 3))):
                p = self.person("namesake", name=name, gender=gender, group=f"namesake:{name}")
                self._buyer_rows(p)
                self.truth.cases["namesake_people"] += 1
            self.truth.cases["namesake_groups"] += 1
        while len(self.truth.people) < target - n_resales:
            self._buyer_rows(self.person("single"))
        self._resales(n_resales)
        return self.truth

    def _household(self, group: str) -> None:
        rng = self.rng
        buyer = self.person("buyer", born=(1965, 1990), group=group)
        members = [buyer]
        shape = rng.choices(("couple", "parent_child", "three"), (55, 25, 20))[0]
        if shape in ("couple", "three"):
            spouse = self.person(
                "spouse", gender="女" if buyer.gender == "男" else "男",
                born=(int(buyer.birth[:4]) - 4, int(buyer.birth[:4]) + 4), home=buyer.home,
                own_mobile=rng.random() < 0.7, group=group,
            )  # fmt: skip
            members.append(spouse)
        if shape in ("parent_child", "three"):
            year = int(buyer.birth[:4])
            family_name = next(s[:1] + s[2:] for s in SURNAMES if s[0] == buyer.surname)
            if year + 22 <= 2002 and (year < 1975 or shape == "three"):
                child = self.person(
                    "child", surname=family_name,
                    born=(max(year + 22, 1990), min(year + 32, 2004)), home=buyer.home,
                    own_mobile=rng.random() < 0.4, group=group,
                )  # fmt: skip
            else:
                child = self.person(
                    "parent", surname=family_name,
                    gender="男", born=(year - 32, year - 24), home=buyer.home,
                    own_mobile=rng.random() < 0.5, group=group,
                )  # fmt: skip
            members.append(child)
        # a family member entered without an ID number (only the buyer's was copied)
        for member in members[1:]:
            if rng.random() < 0.25:
                member.id_number = ""
                member.old_id15 = ""
        self.households[group] = [m.pid for m in members]
        self.truth.cases["households"] += 1
        self.truth.cases["household_people"] += len(members)
        self._buyer_rows(buyer)
        for member in members[1:]:
            self._buyer_rows(member, household_mobile=buyer.mobile)

    def _fleet(self, group: str) -> None:
        rng = self.rng
        company = self.company(group)
        manager = self.person("fleet_manager", born=(1970, 1990), group=group)
        self.fleets[group] = {"company": company.pid, "manager": manager.pid}
        self.truth.cases["fleets"] += 1
        # the company's own cars: one row each, the manager's mobile as the contact
        start = self.date_between(date(2017, 1, 1), date(2021, 1, 1))
        for _ in range(rng.randint(3, 7)):
            bought = self.date_between(start, date(2024, 3, 1))
            car = self.car(bought, brand_index=0)
            self._own(car, company.pid, bought)
            self.truth.rows.append(Row(company.pid, self._file_for(bought), car, "fleet", bought,
                                       contact="fleet_manager"))  # fmt: skip
            self.truth.cases["fleet_company_rows"] += 1
        self._buyer_rows(manager)
        for _ in range(rng.randint(2, 6)):
            driver = self.person("driver", born=(1972, 1996), group=group,
                                 own_mobile=rng.random() < 0.5)  # fmt: skip
            contact = rng.choice(("fleet_manager", "fleet_manager", "company_landline"))
            self._buyer_rows(driver, contact=contact)
            self.truth.cases["fleet_drivers"] += 1

    def _buyer_rows(self, p: Person, *, household_mobile: str = "", contact: str = "own") -> None:
        """The person's purchase row, and maybe a repeat purchase, service visits and the next
        export."""
        rng = self.rng
        bought = self.date_between(date(2016, 1, 1), date(2024, 5, 1))
        car = self.car(bought)
        self._own(car, p.pid, bought)
        if household_mobile and (not p.mobile or rng.random() < 0.6):
            contact = "household"
        elif contact == "own" and not p.mobile:
            contact = "household" if household_mobile else "own"
        rows = [Row(p.pid, self._file_for(bought), car, "purchase", bought, contact=contact)]
        if contact == "household":
            self.truth.cases["rows_under_household_mobile"] += 1
        elif contact in ("fleet_manager", "company_landline"):
            self.truth.cases[f"driver_rows_under_{contact}"] += 1
        extra = rng.random()
        if extra < 0.06:  # a repeat purchase (a second car, later)
            later = self.date_between(bought + timedelta(days=200), self.today)
            if later < self.today - timedelta(days=10):
                second = self.car(later)
                self._own(second, p.pid, later)
                rows.append(Row(p.pid, self._file_for(later), second, "repeat", later, contact))
        if extra > 0.78:  # seen again: a service visit, a later export
            for _ in range(1 if extra < 0.95 else 2):
                visit = self.date_between(bought + timedelta(days=60), self.today)
                kind = "service" if rng.random() < 0.6 else "second_export"
                file = 3 if kind == "second_export" else rng.choice((1, 2, 2))
                rows.append(Row(p.pid, file, car, kind, visit, contact))
        self.truth.rows.extend(rows)

    def _file_for(self, on: date) -> int:
        """Which export a purchase shows up in: the template covers 2016-2022, the DMS export
        2019-2024, the after-sales list any year."""
        if on.year <= 2018:
            return self.rng.choice((0, 0, 2))
        if on.year <= 2022:
            return self.rng.choice((0, 1, 1, 2))
        return self.rng.choice((1, 1, 2))

    def _own(self, car: Car, pid: int, since: date) -> None:
        self.truth.ownership.setdefault(car.vin, []).append([pid, since.isoformat(), None])

    def _resales(self, n: int) -> None:
        """First owners whose cars were sold on to a used-car buyer (a new person)."""
        rng = self.rng
        firsts = [r for r in self.truth.rows
                  if r.kind == "purchase" and r.car and r.car.bought.year <= 2020
                  and self.truth.people[r.pid].role in ("single", "namesake")]  # fmt: skip
        for row in rng.sample(firsts, min(n, len(firsts))):
            assert row.car is not None
            sold = self.date_between(row.car.bought + timedelta(days=700), self.today)
            buyer = self.person("used_car_buyer")
            owners = self.truth.ownership[row.car.vin]
            owners[-1][2] = sold.isoformat()
            owners.append([buyer.pid, sold.isoformat(), None])
            # the used-car buyer's row: in the same export as the first owner's (the file
            # sorted by date or not), or in the next month's export
            same_file = rng.random() < 0.5 and row.file in (1, 2)
            file = row.file if same_file else 3
            self.truth.rows.append(Row(buyer.pid, file, row.car, "resale", sold))
            self.truth.cases["resold_vins"] += 1
            self.truth.cases[
                "resold_vins_same_file" if same_file else "resold_vins_later_file"
            ] += 1
            if rng.random() < 0.3:  # the new owner also comes for service
                visit = self.date_between(sold + timedelta(days=30), self.today + timedelta(1))
                self.truth.rows.append(Row(buyer.pid, 3, row.car, "service", visit))
            # the first owner may have bought a new car when selling (a trade-in)
            if rng.random() < 0.4:
                car = self.car(sold)
                self._own(car, row.pid, sold)
                self.truth.rows.append(Row(row.pid, self._file_for(sold), car, "repeat", sold))


# --- Rendering the rows as the exports write them -------------------------------------------

#: file index → (file name, layout, encoding)
FILES: tuple[tuple[str, str, str], ...] = (
    ("01_本店模板_2019-2022.xlsx", "template", "xlsx"),
    ("02_DMS导出_客户车辆_2023.csv", "dms", "gbk"),
    ("03_售后车主信息_分省市.xlsx", "split", "xlsx"),
    ("04_DMS导出_客户车辆_2024-06.csv", "dms", "utf-8-sig"),
)
LAYOUTS: dict[str, tuple[str, ...]] = {
    # the first alias of every field of our own import template, in its order
    "template": (
        "姓名", "手机", "电话", "省份", "城市", "区县", "地址", "身份证", "证件类型", "客户类型",
        "统一社会信用代码", "性别", "出生日期", "邮箱", "邮编", "单位", "备注", "顾问", "车架号",
        "车牌号", "品牌", "车型", "颜色", "购车日期", "购车价格", "里程",
    ),
    "dms": (
        "序号", "客户名称", "客户类型", "性别", "证件号码", "手机号码", "联系电话", "联系地址",
        "车架号", "车牌号", "品牌", "车型", "购车日期", "销售顾问", "电子邮件", "备注",
    ),
    "split": (
        "车主姓名", "性别", "出生日期", "身份证号码", "电话", "手机", "省份", "城市", "区县",
        "详细地址", "VIN码", "车牌号码", "车型", "开票日期", "服务顾问", "行驶里程", "邮箱",
    ),
}  # fmt: skip


class Renderer:
    """Turns the planned rows into cells, per file layout, with the dirt real exports have."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.rng = random.Random(gen.seed * 7919 + 1)
        self.truth = gen.truth
        self.cases = gen.truth.cases
        self.seen: Counter[int] = Counter()  # rows of a person rendered so far
        rows_per: Counter[int] = Counter(r.pid for r in gen.truth.rows)
        self.rows_per = rows_per
        # people whose ID number is on one of their rows only
        self.id_once: dict[int, int] = {}
        for pid, n in rows_per.items():
            if n >= 2 and self.rng.random() < 0.35:
                self.id_once[pid] = self.rng.randrange(n)

    # -- names ------------------------------------------------------------------------------

    def name(self, p: Person, row: Row, repeat: bool) -> str:
        rng = self.rng
        if p.kind == "organization":
            if repeat and rng.random() < 0.2:
                self._case(row, "org_name_without_city_suffix")
                return p.name.replace("深圳市", "深圳", 1)
            return p.name
        if repeat:
            pick = rng.random()
            sex = "m" if p.gender == "男" else "f"
            if pick < 0.07:
                self._case(row, "name_placeholder")
                return p.surname + rng.choice(PLACEHOLDER_SUFFIXES[sex])
            if pick < 0.12:
                swap = [i for i, c in enumerate(p.given) if GIVEN.get(c, ("", "", "", ""))[3]]
                if swap:
                    i = rng.choice(swap)
                    self._case(row, "name_homophone")
                    given = p.given[:i] + rng.choice(GIVEN[p.given[i]][3]) + p.given[i + 1 :]
                    return p.surname + given
            elif pick < 0.16:
                trad = next(s[3] for s in SURNAMES if s[0] == p.surname)
                trad += "".join(GIVEN[c][1] for c in p.given)
                if trad != p.name:
                    self._case(row, "name_traditional")
                    return trad
            elif pick < 0.19:
                self._case(row, "name_pinyin")
                surname = next(s[2] for s in SURNAMES if s[0] == p.surname)
                given = "".join(GIVEN[c][0] for c in p.given)
                return rng.choice((
                    f"{surname} {given.capitalize()}", f"{surname.upper()} {given.upper()}",
                    f"{given.capitalize()} {surname}", f"{surname}{given}",
                ))  # fmt: skip
            elif pick < 0.21 and p.english:
                self._case(row, "name_english")
                return f"{p.english} {next(s[2] for s in SURNAMES if s[0] == p.surname)}"
        if len(p.name) == 2 and rng.random() < 0.04:
            return p.name[0] + rng.choice((" ", "\u3000", "  ")) + p.name[1]  # 张 伟
        return p.name

    # -- phones -------------------------------------------------------------------------------

    def phones(self, p: Person, row: Row, repeat: bool, layout: str) -> tuple[str, str]:
        """(mobile cell, landline cell) of the row."""
        rng = self.rng
        people = self.truth.people
        landline = p.landline
        if row.contact == "household":
            head = people[self.gen.households[p.group][0]]
            mobile = head.mobile
        elif row.contact == "fleet_manager":
            mobile = people[self.gen.fleets[p.group]["manager"]].mobile
            if p.kind == "organization":
                landline = p.landline if rng.random() < 0.6 else ""
        elif row.contact == "company_landline":
            mobile = ""
            landline = people[self.gen.fleets[p.group]["company"]].landline
        else:
            mobile = p.mobile
        if row.contact != "own" or not mobile:
            return mobile, landline
        late = row.kind in ("second_export", "repeat", "service")
        if repeat and late and (p.later_mobile or rng.random() < 0.12):
            if not p.later_mobile:
                p.later_mobile = self.gen.mobile()
            self._case(row, "phone_changed_since")
            mobile = p.later_mobile
        pick = rng.random() if repeat else rng.random() * 2
        if pick < 0.07:
            self._case(row, "phone_two_numbers_in_cell")
            other = landline or self.gen.mobile()
            sep = rng.choice((" ", "/", "，", "、", ";"))
            return f"{mobile}{sep}{other}", ""
        if pick < 0.13 and landline:
            self._case(row, "phone_landline_only")
            return "", landline
        if pick < 0.17 and layout in ("template", "split"):
            self._case(row, "phone_mobile_in_tel_column")
            return "", mobile
        if pick < 0.22:
            self._case(row, "phone_formatted")
            return rng.choice((
                f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}", f"+86 {mobile}", f"86-{mobile}",
                f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
            )), landline  # fmt: skip
        return mobile, landline

    # -- identity documents -----------------------------------------------------------------

    def id_cell(self, p: Person, row: Row, index: int) -> str:
        rng = self.rng
        if p.kind == "organization":
            return p.uscc if rng.random() < 0.85 else ""
        if not p.id_number:
            return ""
        if p.pid in self.id_once:
            if index != self.id_once[p.pid]:
                return ""
            self._case(row, "id_on_one_row_only")
        elif rng.random() < (0.1 if self.rows_per[p.pid] > 1 else 0.2):
            return ""
        if p.old_id15 and rng.random() < 0.12:
            self._case(row, "id_old_15_digits")
            return p.old_id15
        if p.id_number.endswith("X") and rng.random() < 0.5:
            self._case(row, "id_lowercase_x")
            return p.id_number[:-1] + "x"
        if rng.random() < 0.03:
            self._case(row, "id_with_spaces")
            n = p.id_number
            return f"{n[:6]} {n[6:14]} {n[14:]}"
        return p.id_number

    # -- addresses ---------------------------------------------------------------------------

    def address(self, p: Person, row: Row, repeat: bool) -> tuple[str, str, str, str]:
        """(province, city, district, rest): the address's parts as written on this row; the
        single-column layouts join them."""
        rng = self.rng
        h = p.home
        d = SHENZHEN[h.district]
        street = f"{h.road}{h.number}号"
        flat = ""
        if h.compound and p.kind == "person":
            sep = rng.choices(("栋", "-", "栋", "座"), (55, 30, 10, 5))[0]
            flat = f"{h.compound}{h.building}{sep}{h.room}" + rng.choice(("", "", "室", "房"))
            if sep == "-":
                self._case(row, "address_building_dash")
        style = rng.random()
        if d.old and p.id_number[:6] == "440321" and rng.random() < 0.3:
            self._case(row, "address_old_county")
            town = d.old.replace("宝安县", "")
            return DEALER_PROVINCE, "宝安县", town, street + flat
        if flat and style < 0.25:
            self._case(row, "address_compound_without_road")
            return DEALER_PROVINCE, DEALER_CITY, d.name, flat
        if style < 0.32:
            self._case(row, "address_haoyuan")
            street = f"{h.road}{h.number}号院"
        rest = street + flat
        if style > 0.8:
            self._case(row, "address_without_city")
            return "", "", d.name, rest
        if style > 0.6:
            return "", DEALER_CITY, d.name, rest
        return DEALER_PROVINCE, DEALER_CITY, d.name, rest

    def address_cells(self, parts: tuple[str, str, str, str], layout: str) -> list[str]:
        province, city, district, rest = parts
        rng = self.rng
        if layout != "split":
            return ["", "", "", province + city + district + rest]
        shape = rng.random()
        if shape < 0.5:
            return [province or DEALER_PROVINCE, city or DEALER_CITY, district, rest]
        if shape < 0.7:  # short names, the detail repeating city and district
            return ["广东", "深圳", district, (city or DEALER_CITY) + district + rest]
        if shape < 0.85:  # everything in the detail column
            return ["", "", "", province + city + district + rest]
        return [province or DEALER_PROVINCE, city or DEALER_CITY, "", district + rest]

    # -- other cells ---------------------------------------------------------------------------

    def gender(self, p: Person, row: Row) -> str:
        if p.kind == "organization":
            return ""
        rng = self.rng
        if rng.random() < 0.03:
            self._case(row, "gender_disagrees_with_id")
            return "女" if p.gender == "男" else "男"
        if rng.random() < 0.1:
            return ""
        return p.gender if rng.random() < 0.9 else p.gender + "性"

    def date_cell(self, on: date | None, layout: str, row: Row) -> Any:
        if on is None:
            return ""
        rng = self.rng
        if rng.random() < 0.006:
            self._case(row, "date_impossible")
            return rng.choice((f"{on.year}-02-30", f"{on.year}-13-{on.day:02d}", "0000-00-00"))
        if layout in ("template", "split") and rng.random() < 0.7:
            return on  # a real date cell
        fmt = rng.choices(
            ("%Y-%m-%d 00:00:00", "%Y/{m}/{d}", "%Y%m%d", "%Y年{m}月{d}日", "%Y.%m.%d", "%Y-%m-%d"),
            (40, 25, 10, 5, 5, 15),
        )[0]
        self.cases[f"date_format {fmt}"] += 1
        return on.strftime(fmt).replace("{m}", str(on.month)).replace("{d}", str(on.day))

    def consultant(self, layout: str, row: Row) -> str:
        rng = self.rng
        share = {"template": 0.08, "dms": 0.6, "split": 0.25}[layout]
        if rng.random() < 0.25 and layout == "split":
            return ""
        if rng.random() < share:
            self._case(row, "consultant_not_staff_here")
            return rng.choice(FOREIGN_CONSULTANTS)
        return rng.choice(OWN_STAFF)

    def email(self, p: Person, row: Row) -> str:
        if not p.email or self.rng.random() < 0.3:
            return ""
        if self.rng.random() < 0.05:
            self._case(row, "email_without_at")
            return p.email.replace("@", "", 1)
        return p.email

    def _case(self, row: Row, case: str) -> None:
        row.variants.append(case)
        self.cases[case] += 1

    # -- a row -------------------------------------------------------------------------------

    def cells(self, row: Row, layout: str, serial: int) -> list[Any]:
        p = self.truth.people[row.pid]
        index = self.seen[p.pid]
        self.seen[p.pid] += 1
        repeat = index > 0
        name = self.name(p, row, repeat)
        mobile, landline = self.phones(p, row, repeat, layout)
        id_cell = self.id_cell(p, row, index)
        parts = self.address(p, row, repeat)
        car = row.car
        acquired = None
        if car is not None and (row.kind != "service" or self.rng.random() < 0.7):
            acquired = next(date.fromisoformat(f) for q, f, _t in
                            self.truth.ownership[car.vin] if q == p.pid)  # fmt: skip
        row.usable = bool(name.strip() or mobile or landline or id_cell or (car and car.vin))
        gender = self.gender(p, row)
        is_org = p.kind == "organization"
        birth = "" if is_org or not p.birth or self.rng.random() < 0.4 else p.birth
        birth_cell = self.date_cell(date.fromisoformat(birth), layout, row) if birth else ""
        mileage: Any = ""
        if car is not None and row.kind == "service":
            years = max(0.2, (row.on - car.bought).days / 365)
            mileage = int(years * self.rng.randint(8000, 22000))
        vin = car.vin if car else ""
        if vin and self.rng.random() < 0.05:
            vin = vin.lower()
        remarks = self.rng.choice(REMARKS)
        if row.kind == "resale":
            remarks = self.rng.choice(("二手车", "二手车过户", "", "置换二手", ""))
        address = self.address_cells(parts, layout)
        consultant = self.consultant(layout, row)
        email = self.email(p, row)
        if layout == "template":
            kind = ("单位" if is_org else self.rng.choice(("个人", "个人", ""))) if not is_org or \
                self.rng.random() < 0.9 else ""  # fmt: skip
            return [
                name, mobile, landline, *address[:3], address[3],
                id_cell if not is_org else "", "身份证" if id_cell and not is_org else "",
                kind, id_cell if is_org else "", gender, birth_cell, email,
                SHENZHEN[p.home.district].postcode if self.rng.random() < 0.2 else "",
                "" if is_org else self.rng.choice(("", "", "", "华为技术有限公司", "个体", "无")),
                remarks, consultant, vin, car.plate if car else "", car.brand if car else "",
                car.model if car else "", car.color if car else "",
                self.date_cell(acquired, layout, row), car.price if car and
                row.kind in ("purchase", "repeat", "fleet") else "", mileage,
            ]  # fmt: skip
        if layout == "dms":
            kind = "公司" if is_org else "个人"
            return [
                serial, name, kind, gender, id_cell, mobile, landline, address[3], vin,
                car.plate if car else "", car.brand if car else "", car.model if car else "",
                self.date_cell(acquired, layout, row), consultant, email, remarks,
            ]  # fmt: skip
        return [
            name, gender, birth_cell, id_cell, landline, mobile, *address, vin,
            car.plate if car else "", car.model if car else "",
            self.date_cell(acquired, layout, row), consultant, mileage, email,
        ]  # fmt: skip


def _order(rows: list[Row], layout: str, truth: Truth) -> list[Row]:
    """Exports are sorted by date; the after-sales list by district and plate."""
    if layout == "split":
        return sorted(
            rows,
            key=lambda r: (truth.people[r.pid].home.district, r.car.plate if r.car else ""),
        )
    return sorted(rows, key=lambda r: (r.on, r.pid))


def write_files(gen: Generator, out: Path) -> dict[str, Any]:
    """Write the four exports and return the truth's file part."""
    import xlsxwriter

    renderer = Renderer(gen)
    truth = gen.truth
    out.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    for index, (name, layout, encoding) in enumerate(FILES):
        rows = _order([r for r in truth.rows if r.file == index], layout, truth)
        headers = LAYOUTS[layout]
        body = [renderer.cells(row, layout, n + 1) for n, row in enumerate(rows)]
        path = out / name
        if encoding == "xlsx":
            book = xlsxwriter.Workbook(str(path))
            sheet = book.add_worksheet("客户信息" if layout == "template" else "Sheet1")
            date_format = book.add_format({"num_format": "yyyy-mm-dd"})
            first = 0
            if layout == "split":  # a title and the export time above the header
                sheet.write_string(0, 0, "深圳丰田汽车销售服务有限公司 售后车主信息表")
                sheet.write_string(1, 0, f"导出时间：{gen.today:%Y-%m-%d} 18:02:11")
                first = 3
            sheet.write_row(first, 0, headers)
            for r, cells in enumerate(body):
                for c, value in enumerate(cells):
                    if value in ("", None):
                        continue
                    if isinstance(value, date):
                        sheet.write_datetime(first + 1 + r, c, datetime(*value.timetuple()[:3]),
                                             date_format)  # fmt: skip
                    elif isinstance(value, int):
                        sheet.write_number(first + 1 + r, c, value)
                    else:
                        sheet.write_string(first + 1 + r, c, str(value))
            book.close()
            numbers = [first + 2 + r for r in range(len(body))]  # Excel's 1-based row numbers
        else:
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(headers)
            for cells in body:
                writer.writerow(["" if v is None else v for v in cells])
            path.write_bytes(buffer.getvalue().encode(encoding))  # strict: no lost characters
            numbers = [2 + r for r in range(len(body))]  # the header is line 1
        files.append({
            "file": name, "layout": layout, "encoding": encoding,
            "rows": [{"row": n, "person": row.pid, "kind": row.kind, "contact": row.contact,
                      "vin": row.car.vin if row.car else "", "variants": row.variants,
                      "usable": row.usable}
                     for n, row in zip(numbers, rows, strict=True)],
        })  # fmt: skip
    return {"files": files}


def generate(out: Path, seed: int = 1, scale: float = 1.0) -> dict[str, Any]:
    """Generate the exports into `out` with `truth.json`; returns the truth."""
    gen = Generator(seed, scale)
    truth = gen.build()
    files = write_files(gen, out)
    rows_per = Counter(r.pid for r in truth.rows)
    cases = truth.cases
    cases["people"] = len(truth.people)
    cases["rows"] = len(truth.rows)
    cases["people_with_several_rows"] = sum(1 for n in rows_per.values() if n > 1)
    cases["organizations"] = sum(1 for p in truth.people.values() if p.kind == "organization")
    cases["repeat_purchase_rows"] = sum(1 for r in truth.rows if r.kind == "repeat")
    cases["service_visit_rows"] = sum(1 for r in truth.rows if r.kind == "service")
    cases["second_export_rows"] = sum(1 for r in truth.rows if r.kind == "second_export")
    payload = {
        "seed": seed,
        "scale": scale,
        "dealer": {"city": DEALER_CITY, "province": DEALER_PROVINCE, "staff": list(OWN_STAFF)},
        **files,
        "people": {
            str(pid): {**asdict(p), "home": asdict(p.home)} for pid, p in truth.people.items()
        },
        "vehicles": truth.ownership,
        "households": gen.households,
        "fleets": gen.fleets,
        "cases": dict(sorted(cases.items())),
    }
    (out / "truth.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1))
    return payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    payload = generate(args.out, args.seed, args.scale)
    for f in payload["files"]:
        print(f"{args.out / f['file']}: {len(f['rows'])} rows ({f['layout']}, {f['encoding']})")
    print(json.dumps(payload["cases"], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
