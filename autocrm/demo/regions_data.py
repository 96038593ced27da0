"""Places of the demo data: the dealers' cities with real districts and roads, the regions
customers' ID cards come from (GB/T 2260 codes), mobile prefixes.

Every region code below is current in python-stdnum's ``cn/loc`` data and every address built
from it (province + city + district + road + number) parses complete with
``autocrm.rules.address.parse_address`` (the tests check both).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    name: str
    code: str  # GB/T 2260 code (ID card region)
    postcode: str
    roads: tuple[str, ...]


@dataclass(frozen=True)
class City:
    province: str
    name: str
    short: str  # 广州 for 广州市: what people write without 市
    plate_prefix: str
    area_code: str  # landline area code
    districts: tuple[District, ...]


def _d(name: str, code: str, postcode: str, roads: str) -> District:
    return District(name, code, postcode, tuple(roads.split()))


GUANGZHOU = City(
    "广东省", "广州市", "广州", "粤A", "020",
    (
        _d("天河区", "440106", "510630", "天河路 天河北路 体育西路 林和西路 华夏路 "
           "花城大道 龙口西路 员村二横路 黄埔大道"),
        _d("越秀区", "440104", "510030", "北京路 中山五路 东风中路 环市东路 "
           "解放北路 农林下路 越秀北路 寺右新马路"),
        _d("海珠区", "440105", "510240", "新港中路 昌岗中路 宝岗大道 滨江东路 "
           "南洲路 江南西路 工业大道"),
        _d("荔湾区", "440103", "510140", "中山八路 康王中路 芳村大道 "
           "龙津西路 黄沙大道 花地大道"),
        _d("白云区", "440111", "510400", "机场路 同和路 黄石东路 "
           "云城西路 白云大道 广园中路"),
        _d("番禺区", "440113", "511400", "迎宾路 清河东路 桥兴大道 "
           "市广路 兴业大道 番禺大道"),
        _d("黄埔区", "440112", "510700", "开创大道 科学大道 黄埔东路 "
           "丰乐北路 香雪大道"),
    ),
)  # fmt: skip
SHENZHEN = City(
    "广东省", "深圳市", "深圳", "粤B", "0755",
    (
        _d("福田区", "440304", "518048", "深南大道 福华路 益田路 彩田路 "
           "红荔路 福中路 金田路 新洲路"),
        _d("南山区", "440305", "518052", "科苑路 南海大道 后海大道 南山大道 "
           "桃园路 学府路 沙河西路"),
        _d("罗湖区", "440303", "518001", "人民南路 深南东路 东门中路 宝安南路 "
           "爱国路 春风路 建设路"),
        _d("宝安区", "440306", "518101", "宝安大道 新安六路 创业一路 "
           "建安一路 前进一路 松白路"),
        _d("龙岗区", "440307", "518172", "龙岗大道 龙翔大道 布吉路 "
           "深惠路 五和大道 吉华路"),
        _d("龙华区", "440309", "518110", "人民路 东环二路 龙华大道 "
           "梅龙大道 民治大道 和平路"),
    ),
)  # fmt: skip
CHANGSHA = City(
    "湖南省", "长沙市", "长沙", "湘A", "0731",
    (
        _d("芙蓉区", "430102", "410011", "五一大道 芙蓉中路 解放中路 "
           "八一路 韶山北路 人民中路"),
        _d("天心区", "430103", "410004", "芙蓉南路 书院路 劳动西路 "
           "湘府中路 新开铺路 城南西路"),
        _d("岳麓区", "430104", "410013", "麓山南路 桐梓坡路 岳麓大道 "
           "枫林三路 金星中路 麓谷大道"),
        _d("开福区", "430105", "410008", "湘江中路 三一大道 德雅路 "
           "中山路 湘雅路 福城路"),
        _d("雨花区", "430111", "410007", "韶山中路 劳动东路 万家丽中路 "
           "香樟路 圭塘路 体院路"),
        _d("长沙县", "430121", "410100", "星沙大道 开元东路 "
           "人民东路 黄兴大道"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Region:
    """A county-level place of ID-card registration, written out as an address prefix."""

    code: str
    province: str
    city: str
    district: str


def _regions(rows: str) -> tuple[Region, ...]:
    return tuple(Region(*row.split()) for row in rows.strip().splitlines())


#: Guangdong outside Guangzhou and Shenzhen.
GUANGDONG_OTHER = _regions("""
441403 广东省 梅州市 梅县区
441481 广东省 梅州市 兴宁市
440882 广东省 湛江市 雷州市
440881 广东省 湛江市 廉江市
440904 广东省 茂名市 电白区
440982 广东省 茂名市 化州市
445281 广东省 揭阳市 普宁市
440513 广东省 汕头市 潮阳区
445222 广东省 揭阳市 揭西县
441302 广东省 惠州市 惠城区
441322 广东省 惠州市 博罗县
440604 广东省 佛山市 禅城区
440606 广东省 佛山市 顺德区
""")
#: Hunan outside Changsha's districts.
HUNAN_OTHER = _regions("""
430421 湖南省 衡阳市 衡阳县
430426 湖南省 衡阳市 祁东县
431322 湖南省 娄底市 新化县
430523 湖南省 邵阳市 邵阳县
430922 湖南省 益阳市 桃江县
430923 湖南省 益阳市 安化县
430722 湖南省 常德市 汉寿县
430223 湖南省 株洲市 攸县
430321 湖南省 湘潭市 湘潭县
431126 湖南省 永州市 宁远县
430181 湖南省 长沙市 浏阳市
430182 湖南省 长沙市 宁乡市
""")
#: Where most of the Pearl River Delta's and Changsha's migrants come from.
OTHER_PROVINCES = _regions("""
450923 广西壮族自治区 玉林市 博白县
450922 广西壮族自治区 玉林市 陆川县
450821 广西壮族自治区 贵港市 平南县
450881 广西壮族自治区 贵港市 桂平市
450481 广西壮族自治区 梧州市 岑溪市
360731 江西省 赣州市 于都县
360732 江西省 赣州市 兴国县
361128 江西省 上饶市 鄱阳县
360703 江西省 赣州市 南康区
360981 江西省 宜春市 丰城市
511321 四川省 南充市 南部县
511421 四川省 眉山市 仁寿县
511025 四川省 内江市 资中县
512021 四川省 资阳市 安岳县
421127 湖北省 黄冈市 黄梅县
421181 湖北省 黄冈市 麻城市
421081 湖北省 荆州市 石首市
420984 湖北省 孝感市 汉川市
411525 河南省 信阳市 固始县
411381 河南省 南阳市 邓州市
411627 河南省 周口市 太康县
500101 重庆市 重庆市 万州区
500154 重庆市 重庆市 开州区
500235 重庆市 重庆市 云阳县
350583 福建省 泉州市 南安市
350581 福建省 泉州市 石狮市
341222 安徽省 阜阳市 太和县
341221 安徽省 阜阳市 临泉县
""")
#: Roads found in nearly every Chinese town: used for addresses copied from ID cards.
COMMON_ROADS = ("人民路", "解放路", "建设路", "中山路", "新华路", "胜利路", "文化路", "团结路")

#: Mobile prefixes of the three operators (China Mobile first: it has the most users).
MOBILE_PREFIXES = (
    "139", "138", "137", "136", "135", "134", "150", "151", "152", "157", "158", "159",
    "182", "183", "187", "188", "178", "198", "147",
    "130", "131", "132", "155", "156", "185", "186", "166", "175", "176",
    "133", "153", "177", "180", "181", "189", "191", "199", "173",
)  # fmt: skip
#: Numbers staff type to get past a required field (all flagged by is_suspicious_mobile).
FAKE_MOBILES = (
    "13800138000", "13800138000", "13333333333", "18888888888", "13900000000",
    "15555555555", "13888888888", "12345678901",
)  # fmt: skip
#: Housing estates, for the optional building/room part of an address.
ESTATES = ("花园", "小区", "公寓", "新村", "名苑", "华庭", "雅苑", "广场")
ESTATE_WORDS = ("金碧", "锦绣", "翠湖", "阳光", "碧桂", "保利", "万科", "御景", "富力", "恒大")
