"""The catalogue loaded with the schema (migration 0002, `manage.py catalogue_load`).

The demo group's brands (广汽丰田, 上汽大众, 比亚迪) with every series the demo sells and 2–4
trims each, their guide prices in CNY (within the demo's price ranges, autocrm/demo/
catalog_data.py), and the competitors' series that prospects drive or buy instead, at series
level. Aliases are other spellings free text uses (English names, 秦+ for 秦PLUS). Guide prices
are indicative list prices of the model years named, for demonstration; the back office keeps
the real ones (Django admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TrimSpec:
    model_year: int | None
    name: str
    guide_price: Decimal | None = None


@dataclass(frozen=True)
class SeriesSpec:
    name: str
    segment: str
    is_new_energy: bool = False
    trims: tuple[TrimSpec, ...] = ()
    aliases: tuple[str, ...] = ()
    is_active: bool = True


@dataclass(frozen=True)
class BrandSpec:
    name: str
    name_en: str
    maker: str
    series: tuple[SeriesSpec, ...]
    aliases: tuple[str, ...] = ()


def _t(year: int, name: str, price: int) -> TrimSpec:
    return TrimSpec(year, name, Decimal(price))


def _s(name: str, segment: str, *aliases: str, nev: bool = False) -> SeriesSpec:
    """A series at series level (no trims): the competitors'."""
    return SeriesSpec(name, segment, is_new_energy=nev, aliases=aliases)


CATALOGUE: tuple[BrandSpec, ...] = (
    # --- the demo dealers' brands --------------------------------------------------------------
    BrandSpec(
        "丰田", "Toyota", "广汽丰田",
        aliases=("一汽丰田", "广丰", "丰田汽车"),
        series=(
            SeriesSpec("凯美瑞", "sedan", aliases=("Camry",), trims=(
                _t(2024, "2.0E 精英版", 179_800),
                _t(2024, "2.0GVP 豪华版", 199_800),
                _t(2024, "双擎 2.5HG 尊贵版", 239_800),
                _t(2024, "双擎 2.5HXS 旗舰版", 269_800),
            )),
            SeriesSpec("雷凌", "sedan", aliases=("Levin",), trims=(
                _t(2024, "185T CVT 进取版", 115_800),
                _t(2024, "185T CVT 豪华版", 129_800),
                _t(2024, "双擎 1.8H E-CVT 领先版", 155_800),
            )),
            SeriesSpec("威兰达", "suv", aliases=("Wildlander",), trims=(
                _t(2024, "2.0L CVT 两驱领先版", 172_800),
                _t(2024, "2.0L CVT 四驱豪华版", 209_800),
                _t(2024, "双擎 2.5L E-CVT 四驱尊贵版", 262_800),
            )),
            SeriesSpec("汉兰达", "suv", aliases=("Highlander",), trims=(
                _t(2024, "双擎 2.5L 两驱精英版 5座", 268_800),
                _t(2024, "双擎 2.5L 四驱豪华版 7座", 309_800),
                _t(2024, "双擎 2.5L 四驱至尊版 7座", 348_800),
            )),
            SeriesSpec("锋兰达", "suv", aliases=("Frontlander",), trims=(
                _t(2024, "2.0L CVT 领先版", 129_800),
                _t(2024, "2.0L CVT 豪华版", 149_800),
                _t(2024, "双擎 2.0L E-CVT 尊贵版", 175_800),
            )),
            SeriesSpec("赛那", "mpv", aliases=("Sienna",), trims=(
                _t(2024, "双擎 2.5L 豪华版", 309_800),
                _t(2024, "双擎 2.5L 尊贵版", 359_800),
                _t(2024, "双擎 2.5L 铂金版", 418_800),
            )),
            _s("卡罗拉", "sedan", "Corolla"),
            _s("亚洲龙", "sedan", "Avalon"),
            _s("RAV4荣放", "suv", "RAV4", "荣放"),
        ),
    ),
    BrandSpec(
        "大众", "Volkswagen", "上汽大众",
        aliases=("一汽-大众", "上海大众", "VW", "大众汽车"),
        series=(
            SeriesSpec("朗逸", "sedan", aliases=("Lavida",), trims=(
                _t(2024, "1.5L 自动新逸版", 112_900),
                _t(2024, "280TSI DSG 满逸版", 139_900),
                _t(2024, "280TSI DSG 星空满逸版", 159_900),
            )),
            SeriesSpec("帕萨特", "sedan", aliases=("Passat",), trims=(
                _t(2024, "330TSI 精英版", 181_900),
                _t(2024, "330TSI 豪华版", 209_900),
                _t(2024, "380TSI 龙耀版", 247_900),
            )),
            SeriesSpec("途观L", "suv", aliases=("Tiguan L",), trims=(
                _t(2024, "330TSI 两驱智享版", 215_800),
                _t(2024, "330TSI 两驱智联版", 239_800),
                _t(2024, "380TSI 四驱R-Line旗舰版", 285_800),
            )),
            SeriesSpec("途岳", "suv", aliases=("Tharu",), trims=(
                _t(2024, "280TSI 两驱豪华版", 153_900),
                _t(2024, "300TSI 两驱R-Line", 172_900),
                _t(2024, "330TSI 四驱旗舰版", 192_900),
            )),
            SeriesSpec("凌渡L", "sedan", aliases=("Lamando L",), trims=(
                _t(2024, "200TSI DSG 超辣版", 146_900),
                _t(2024, "280TSI DSG 热辣版", 169_900),
                _t(2024, "280TSI DSG 酷辣版", 189_900),
            )),
            SeriesSpec("ID.4 X", "suv", is_new_energy=True, trims=(
                _t(2024, "纯净智享版", 179_900),
                _t(2024, "长续航 Pro 版", 229_900),
                _t(2024, "四驱 Prime 版", 279_900),
            )),
            # sold before 途观L, and by 一汽-大众: what customers' older cars are
            _s("途观", "suv", "Tiguan"),
            _s("宝来", "sedan", "Bora"),
            _s("速腾", "sedan", "Sagitar"),
            _s("迈腾", "sedan", "Magotan"),
        ),
    ),
    BrandSpec(
        "比亚迪", "BYD", "比亚迪汽车",
        series=(
            SeriesSpec("秦PLUS", "sedan", is_new_energy=True, aliases=("秦+",), trims=(
                _t(2024, "荣耀版 DM-i 55KM 领先型", 79_800),
                _t(2024, "荣耀版 DM-i 120KM 卓越型", 99_800),
                _t(2024, "荣耀版 EV 510KM 卓越型", 139_800),
            )),
            SeriesSpec("宋PLUS", "suv", is_new_energy=True, aliases=("宋+",), trims=(
                _t(2024, "荣耀版 DM-i 110KM 旗舰型", 139_800),
                _t(2024, "荣耀版 DM-i 150KM 旗舰PLUS", 159_800),
                _t(2024, "荣耀版 EV 605KM 旗舰PLUS", 189_800),
            )),
            SeriesSpec("汉", "sedan", is_new_energy=True, trims=(
                _t(2024, "荣耀版 DM-i 121KM 尊贵型", 169_800),
                _t(2024, "荣耀版 EV 605KM 尊享型", 209_800),
                _t(2024, "荣耀版 EV 610KM 四驱旗舰型", 259_800),
            )),
            SeriesSpec("唐", "suv", is_new_energy=True, trims=(
                _t(2024, "荣耀版 DM-i 112KM 尊荣型", 179_800),
                _t(2024, "荣耀版 EV 635KM 尊享型", 239_800),
                _t(2024, "荣耀版 DM-p 四驱旗舰型", 279_800),
            )),
            SeriesSpec("元PLUS", "suv", is_new_energy=True, aliases=("元+", "Atto 3"), trims=(
                _t(2024, "荣耀版 430KM 领先型", 119_800),
                _t(2024, "荣耀版 510KM 旗舰型", 139_800),
                _t(2024, "荣耀版 510KM 旗舰PLUS", 163_800),
            )),
            SeriesSpec("海豚", "hatchback", is_new_energy=True, aliases=("Dolphin",), trims=(
                _t(2024, "荣耀版 活力版 302KM", 99_800),
                _t(2024, "荣耀版 自由版 420KM", 116_800),
                _t(2024, "荣耀版 骑士版 420KM", 129_800),
            )),
            _s("宋Pro", "suv", nev=True),
            _s("海鸥", "hatchback", "Seagull", nev=True),
        ),
    ),
    # --- competitors: the cars prospects drive, compare or were lost to -----------------------
    BrandSpec(
        "本田", "Honda", "广汽本田", aliases=("东风本田",),
        series=(
            _s("雅阁", "sedan", "Accord"),
            _s("思域", "sedan", "Civic"),
            _s("CR-V", "suv"),
            _s("皓影", "suv", "Breeze"),
            _s("飞度", "hatchback", "Fit"),
            _s("缤智", "suv", "Vezel"),
        ),
    ),
    BrandSpec(
        "日产", "Nissan", "东风日产", aliases=("尼桑",),
        series=(
            _s("轩逸", "sedan", "Sylphy"),
            _s("天籁", "sedan", "Teana"),
            _s("奇骏", "suv", "X-Trail"),
            _s("逍客", "suv", "Qashqai"),
        ),
    ),
    BrandSpec(
        "别克", "Buick", "上汽通用别克",
        series=(
            _s("英朗", "sedan", "Excelle"),
            _s("君威", "sedan", "Regal"),
            _s("君越", "sedan", "LaCrosse"),
            _s("GL8", "mpv"),
            _s("昂科威", "suv", "Envision"),
        ),
    ),
    BrandSpec(
        "吉利", "Geely", "吉利汽车",
        series=(
            _s("星瑞", "sedan", "Preface"),
            _s("博越", "suv", "Boyue"),
            _s("帝豪", "sedan", "Emgrand"),
            _s("星越L", "suv", "Monjaro"),
        ),
    ),
    BrandSpec(
        "长安", "Changan", "长安汽车",
        series=(
            _s("CS75 PLUS", "suv"),
            _s("逸动", "sedan", "Eado"),
            _s("CS55 PLUS", "suv"),
        ),
    ),
    BrandSpec(
        "哈弗", "Haval", "长城汽车", aliases=("长城哈弗", "长城"),
        series=(_s("H6", "suv"), _s("大狗", "suv"), _s("H9", "suv")),
    ),
    BrandSpec(
        "特斯拉", "Tesla", "特斯拉(上海)",
        series=(_s("Model 3", "sedan", nev=True), _s("Model Y", "suv", nev=True)),
    ),
    BrandSpec(
        "理想", "Li Auto", "理想汽车",
        series=(_s("L6", "suv", nev=True), _s("L7", "suv", nev=True), _s("L9", "suv", nev=True)),
    ),
    BrandSpec(
        "小鹏", "XPeng", "小鹏汽车",
        series=(_s("P7", "sedan", nev=True), _s("G6", "suv", nev=True)),
    ),
    BrandSpec(
        "奥迪", "Audi", "一汽奥迪", aliases=("一汽-大众奥迪", "上汽奥迪"),
        series=(_s("A4L", "sedan"), _s("A6L", "sedan"), _s("Q5L", "suv")),
    ),
    BrandSpec(
        "宝马", "BMW", "华晨宝马",
        series=(
            _s("3系", "sedan", "三系", "320Li", "325Li", "330Li"),
            _s("5系", "sedan", "五系", "525Li", "530Li"),
            _s("X3", "suv"),
        ),
    ),
    BrandSpec(
        "奔驰", "Mercedes-Benz", "北京奔驰", aliases=("梅赛德斯-奔驰", "梅赛德斯", "Benz"),
        series=(
            _s("C级", "sedan", "C200L", "C260L", "C300L"),
            _s("E级", "sedan", "E260L", "E300L"),
            _s("GLC", "suv"),
        ),
    ),
    BrandSpec(
        "马自达", "Mazda", "长安马自达", aliases=("一汽马自达",),
        series=(
            _s("昂克赛拉", "sedan", "马自达3", "Mazda3", "Axela"),
            _s("阿特兹", "sedan", "马自达6", "Mazda6", "Atenza"),
            _s("CX-5", "suv"),
        ),
    ),
    BrandSpec(
        "现代", "Hyundai", "北京现代",
        series=(
            _s("伊兰特", "sedan", "Elantra"),
            _s("途胜", "suv", "Tucson"),
            _s("索纳塔", "sedan", "Sonata"),
        ),
    ),
    BrandSpec(
        "起亚", "Kia", "东风悦达起亚", aliases=("悦达起亚",),
        series=(_s("K3", "sedan"), _s("K5", "sedan"), _s("智跑", "suv", "Sportage")),
    ),
    BrandSpec(
        "五菱", "Wuling", "上汽通用五菱",
        series=(
            _s("宏光MINIEV", "hatchback", "宏光MINI", "MINIEV", nev=True),
            _s("宏光", "mpv"),
            _s("缤果", "hatchback", nev=True),
        ),
    ),
)  # fmt: skip
