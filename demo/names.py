"""Deterministic generators of realistic Chinese names for the Liaocheng demo.

Every generator draws from its own ``random.Random(2018)``, so the same call always returns the same
names, a longer list starts with the shorter one, and names are unique within their kind. The word
lists follow how places in a Shandong prefecture city are actually called: roads named after a root
and a direction (东昌东路, 柳园北路), old-town streets and lanes (古楼西街, 振兴巷), compounds named by
developers (金柱花园, 水城明珠) or after the work unit that built them (市棉纺织厂家属院), and urban
villages named after a founding family (王庄村, 于屯村).
"""

import random
from collections.abc import Callable, Iterator

SEED = 2018

# Family names in roughly the order of their frequency in Shandong, with a weight each.
FAMILY_NAMES = (
    ("王", 30), ("张", 28), ("李", 28), ("刘", 22), ("陈", 10), ("杨", 10), ("赵", 10), ("孙", 10),
    ("徐", 8), ("马", 8), ("高", 8), ("朱", 6), ("胡", 5), ("郭", 6), ("何", 3), ("林", 3), ("于", 7),
    ("宋", 5), ("郑", 4), ("韩", 5), ("曹", 4), ("许", 4), ("吕", 4), ("魏", 4), ("董", 4), ("田", 4),
    ("任", 4), ("姜", 4), ("崔", 4), ("谢", 3), ("冯", 3), ("袁", 3), ("邓", 2), ("萧", 2), ("程", 3),
    ("蔡", 2), ("彭", 2), ("潘", 2), ("杜", 3), ("丁", 3), ("沈", 2), ("姚", 2), ("卢", 2), ("范", 3),
    ("石", 3), ("贾", 3), ("侯", 3), ("孟", 3), ("秦", 2), ("尹", 2), ("薛", 2), ("闫", 3), ("段", 2),
    ("庞", 2), ("付", 3), ("邢", 2), ("耿", 2), ("房", 2), ("岳", 2), ("武", 2), ("葛", 2), ("鲁", 2),
)  # fmt: skip

# Characters of given names, as parents in the 1950s to the 1990s chose them.
GIVEN_FIRST = (
    "建国建华建军国强国庆志刚志强志勇海燕红梅立新卫东文军晓明晓燕春梅秀英秀兰桂英玉兰凤英"
    "永刚永胜德胜宝华金星保忠新华占军红智学军俊峰振华庆华丽娟雪梅丽萍春燕海涛海波"
)
GIVEN_SINGLE = "伟芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉鹏华飞玲峰斌欣琳凯浩宁博瑞晨琦鑫"
GIVEN_PAIRS_A = "建国志文晓春秀玉凤永德宝金新学俊振庆丽雪海红立卫明光宏兴书润广忠"
GIVEN_PAIRS_B = "华强刚勇燕梅英兰军明峰平涛波生林杰东辉亮霞敏娟红伟成林荣清"

# Roots of roads that run east–west (东路/西路) and north–south (南路/北路) in Dongchangfu.
ROAD_ROOTS_EW = (
    "东昌", "兴华", "振兴", "建设", "湖南", "利民", "卫育", "光明", "旅游", "黄河", "长江", "育新",
    "文化", "财干", "辽河", "湖北", "中华", "嵩山", "泰山", "东关", "开发", "聚源", "阳光", "凤凰",
)  # fmt: skip
ROAD_ROOTS_NS = (
    "柳园", "花园", "光岳", "向阳", "昌润", "龙山", "铁塔", "嘉明", "松桂", "香江", "新华", "民主",
    "站前", "运河", "滨河", "湖滨", "水城", "华山", "黄山", "东城", "古城", "闸口", "北城", "湖西",
)  # fmt: skip
# Old-town and neighbourhood streets (街).
STREET_ROOTS = (
    "古楼东", "古楼西", "古楼南", "古楼北", "楼西", "楼东", "米市", "羊使君", "兴华", "文化", "新华",
    "双街", "万寿观", "红星", "前进", "胜利", "解放", "团结", "东关", "大隅首", "小东关", "礼拜寺",
    "太平", "柴市", "状元", "书院", "仓上", "西关", "南关", "北关", "站前", "利民",
)  # fmt: skip
# Lanes (巷) of the old town and the older neighbourhoods.
LANE_ROOTS = (
    "振兴", "双井", "太平", "仁和", "万寿", "清平", "天桥", "枣园", "柴市", "火神庙", "卫仓", "书院",
    "状元", "南门", "北门", "杨家", "刘家", "王家", "孙家", "马家", "三义", "康乐", "永安", "福寿",
    "兴隆", "吉祥", "槐树", "柳树", "桃园", "杏花", "梨园", "文庙", "县府", "考院", "铁塔寺", "小南门",
    "鼓楼", "打铁", "油坊", "当铺", "粮市", "花市",
)  # fmt: skip

COMPOUND_PREFIXES = (
    "金柱", "昌润", "水城", "光岳", "运河", "东昌", "凤凰", "阳光", "鲁西", "嘉和", "金鼎", "锦绣",
    "盛世", "天鸿", "和平", "建设", "卫育", "兴华", "柳园", "振兴", "龙湾", "湖滨", "名仕", "聚源",
    "泰和", "百合", "兰亭", "御景", "香江", "滨河", "东方", "丽景", "佳和", "恒信", "颐和", "福泰",
    "幸福", "康桥", "银河", "星光", "金色", "紫薇", "桂花", "昌盛", "东盛", "融汇", "宏昌", "嘉明",
    "松桂", "站前", "湖西", "古楼", "龙山", "怡和", "安居", "富华", "开元", "育新", "铁塔", "闸口",
    "金水", "水岸", "江北", "北湖", "运河湾", "新城", "民生", "润泽", "天润",
)  # fmt: skip
COMPOUND_SUFFIXES = (
    "花园", "小区", "佳苑", "新村", "家园", "名苑", "雅居", "华庭", "嘉园", "明珠", "公馆", "雅苑",
    "尚城", "丽都", "花苑", "一品", "首府", "御园", "人家", "景苑",
)  # fmt: skip
# Work units whose staff housing (家属院, 宿舍) makes up most of the old compounds (老旧小区).
WORK_UNITS = (
    "市供电公司", "市烟草公司", "市棉纺织厂", "市二轻局", "市交通局", "市水利局", "市粮食局", "市外贸公司",
    "市化肥厂", "市印染厂", "市造纸厂", "市农机公司", "市医药公司", "市百货大楼", "市建设银行", "市农业银行",
    "市工商银行", "市人民医院", "市第二人民医院", "市邮电局", "市公路局", "市物资局", "市供销社",
    "市自来水公司", "市糖酒公司", "聊城大学老校区", "东昌府区政府", "市委党校", "市气象局", "市地税局",
    "市国税局", "市纺织厂", "市酒厂", "市食品公司", "市建筑公司", "市五金公司", "市轴承厂", "市鞋厂",
    "市电业局", "市运输公司", "市电影公司", "市塑料厂",
)  # fmt: skip
OLD_COMPOUND_SUFFIXES = ("家属院", "宿舍", "家属楼")

VILLAGE_FAMILIES = "王李张刘陈杨赵孙徐马高朱郭于宋韩曹许吕魏董田任姜崔冯袁程杜丁范石贾侯孟闫付邢耿房岳葛鲁"
VILLAGE_CORES = ("庄", "屯", "楼", "集", "寨", "营", "店", "堂", "海子", "堤口", "洼", "桥", "园", "坊", "官屯", "家庄")
VILLAGE_DIRECTIONS = ("东", "西", "南", "北", "前", "后", "大", "小")

# The nine small trades (九小行业): eateries, barbers, bath houses, song halls, inns, grocers,
# internet cafés, clinics and beauty parlours. Eateries carry a family or a local name (刘记, 沙镇);
# the other trades a wish for good business (顺心, 鸿运).
EATERY_PREFIXES = ("老聊城", "刘记", "魏氏", "沙镇", "老张家", "好客", "聚福", "运河", "古楼", "阿明", "王记", "东昌")
EATERY_TYPES = ("水煎包店", "羊肉汤馆", "呱嗒铺", "快餐店", "饺子馆", "面馆", "烧饼铺")
SHOP_PREFIXES = (
    "顺心", "丽人", "时尚", "佳美", "如意", "金凤", "鑫源", "兴隆", "鸿运", "东方", "宏达", "万家",
    "天天", "百姓", "吉祥", "水城", "湖畔", "仁和", "康宁", "福来",
)  # fmt: skip
SHOP_TYPES = ("理发店", "美发店", "浴池", "歌厅", "宾馆", "旅社", "便利店", "超市", "网吧", "诊所", "美容院")

MARKET_ROOTS = (
    "站前", "闸口", "东关", "柳园", "兴华路", "湖西", "阎寺", "凤凰", "北城", "东城", "道口铺", "向阳",
    "光明", "利民", "铁塔", "花园路", "建设路", "嘉明",
)  # fmt: skip
MARKET_TYPES = ("农贸市场", "综合市场", "蔬菜批发市场", "早市")

SCHOOL_ROOTS = (
    "兴华路", "振兴路", "利民路", "建设路", "花园路", "柳园路", "光岳路", "向阳路", "东关", "闸口",
    "湖西", "站前", "育新街", "文轩", "水城", "运河", "龙山", "阎寺", "道口铺", "北城",
)  # fmt: skip
SCHOOL_TYPES = ("小学", "中学", "实验小学", "幼儿园")
CHINESE_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四")

PROPERTY_PREFIXES = (
    "金柱", "昌润", "鲁西", "水城", "凤凰", "嘉和", "安泰", "恒通", "宏达", "鑫诚", "佳和", "润华",
    "东昌", "运河", "光岳", "天鸿",
)  # fmt: skip
PROPERTY_FORMS = ("聊城{}物业服务有限公司", "山东{}物业管理有限公司", "聊城市{}物业有限公司")

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
    "158", "159", "176", "177", "180", "182", "183", "185", "186", "187", "188", "189",
)  # fmt: skip


def _rng(offset: int = 0) -> random.Random:
    return random.Random(SEED + offset)  # noqa: S311 - names for a demo, not secrets


def _take(stream: Iterator[str], count: int, kind: str) -> list[str]:
    """The first ``count`` distinct names of ``stream``; fail loudly if the word lists run out."""
    names: list[str] = []
    seen: set[str] = set()
    for name in stream:
        if name in seen:
            continue
        seen.add(name)
        names.append(name)
        if len(names) == count:
            return names
    raise ValueError(f"only {len(names)} distinct {kind} names can be generated, {count} asked for")


def _shuffled(items: list[str], rng: random.Random) -> list[str]:
    items = list(items)
    rng.shuffle(items)
    return items


def _interleave(pattern: str, streams: dict[str, list[str]]) -> Iterator[str]:
    """Yield from the lists in ``streams`` in the order ``pattern`` repeats, until all are used."""
    positions = dict.fromkeys(streams, 0)
    while any(positions[key] < len(streams[key]) for key in streams):
        for key in pattern:
            if positions[key] < len(streams[key]):
                yield streams[key][positions[key]]
                positions[key] += 1


def person_names(count: int, *, exclude: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """``count`` distinct (family name, given name) pairs, none of whose full names is in ``exclude``."""
    rng = _rng()
    families = [name for name, _weight in FAMILY_NAMES]
    weights = [weight for _name, weight in FAMILY_NAMES]
    first_two = [GIVEN_FIRST[i : i + 2] for i in range(0, len(GIVEN_FIRST), 2)]

    def given() -> str:
        roll = rng.random()
        if roll < 0.2:
            return rng.choice(GIVEN_SINGLE)
        if roll < 0.45:
            return rng.choice(first_two)
        return rng.choice(GIVEN_PAIRS_A) + rng.choice(GIVEN_PAIRS_B)

    pairs: list[tuple[str, str]] = []
    seen = set(exclude)
    attempts = 0
    while len(pairs) < count:
        attempts += 1
        if attempts > count * 50:
            raise ValueError(f"could not generate {count} distinct person names")
        family = rng.choices(families, weights)[0]
        name = given()
        if family in name or family + name in seen:
            continue
        seen.add(family + name)
        pairs.append((family, name))
    return pairs


def street_names(count: int) -> list[str]:
    """``count`` distinct names of roads (路), streets (街) and lanes (巷), mixed about 5 : 2 : 2."""
    rng = _rng()
    # A road is either split by a crossing into two halves (东昌东路, 东昌西路) or named whole (龙山路).
    roads = []
    for roots, halves in ((ROAD_ROOTS_EW, ("东路", "西路")), (ROAD_ROOTS_NS, ("南路", "北路"))):
        for root in roots:
            roads += [root + half for half in halves] if rng.random() < 0.7 else [root + "路"]
    streets = [root + "街" for root in STREET_ROOTS] + [root + "大街" for root in ("东昌", "柳园", "光岳", "运河")]
    lanes = [root + "巷" for root in LANE_ROOTS]
    shuffled_roads = _shuffled(roads, rng)
    stream = _interleave("RRSRLRRSLR", {"R": shuffled_roads, "S": _shuffled(streets, rng), "L": _shuffled(lanes, rng)})
    return _take(stream, count, "street")


def is_lane(name: str) -> bool:
    return name.endswith("巷")


def is_road(name: str) -> bool:
    return name.endswith("路")


def compound_names(count: int) -> list[str]:
    """``count`` distinct residential compound names: developers' names and, about one in six,
    the staff housing of a work unit (the old compounds that 老旧小区改造 renovates)."""
    rng = _rng()
    modern = [
        prefix + suffix for prefix in COMPOUND_PREFIXES for suffix in COMPOUND_SUFFIXES if not set(prefix) & set(suffix)
    ]
    old = [unit + suffix for unit in WORK_UNITS for suffix in OLD_COMPOUND_SUFFIXES]
    # One work unit has one staff compound: keep the first suffix the shuffle gives it.
    old_by_unit: dict[str, str] = {}
    for name in _shuffled(old, rng):
        unit = next(name.removesuffix(suffix) for suffix in OLD_COMPOUND_SUFFIXES if name.endswith(suffix))
        old_by_unit.setdefault(unit, name)
    # Two compounds called 金柱花园 and 金柱佳苑 are plausible; a dozen 金柱 ones are not.
    modern_by_prefix: dict[str, int] = {}
    chosen_modern = []
    for name in _shuffled(modern, rng):
        prefix = next(p for p in sorted(COMPOUND_PREFIXES, key=len, reverse=True) if name.startswith(p))
        if modern_by_prefix.get(prefix, 0) >= 10:
            continue
        modern_by_prefix[prefix] = modern_by_prefix.get(prefix, 0) + 1
        chosen_modern.append(name)
    olds = list(old_by_unit.values())
    # Large compounds come in phases (一期, 二期) once the plain names are used up.
    phased = [f"{name}{phase}期" for phase in ("二", "三") for name in chosen_modern]
    stream = _interleave("MMMMMO", {"M": chosen_modern + phased, "O": olds})
    return _take(stream, count, "compound")


def is_old_compound(name: str) -> bool:
    """A work unit's staff housing, the typical old compound (老旧小区)."""
    return name.endswith(OLD_COMPOUND_SUFFIXES)


def village_names(count: int) -> list[str]:
    """``count`` distinct urban village names such as 王庄村, 李海子村, 后屯村 or 东于屯村."""
    rng = _rng()

    def candidates() -> Iterator[str]:
        while True:
            family = rng.choice(VILLAGE_FAMILIES)
            core = rng.choice(VILLAGE_CORES)
            direction = rng.choice(VILLAGE_DIRECTIONS) if rng.random() < 0.12 else ""
            if core == "家庄" and direction:
                continue
            yield f"{direction}{family}{core}村"

    return _take(_bounded(candidates(), count * 40), count, "village")


def _bounded(stream: Iterator[str], limit: int) -> Iterator[str]:
    for index, item in enumerate(stream):
        if index >= limit:
            return
        yield item


def shop_names(count: int) -> list[str]:
    """``count`` distinct names of small-trade shops (九小行业): 刘记羊肉汤馆, 顺心理发店 …"""
    rng = _rng()
    eateries = _shuffled([p + t for p in EATERY_PREFIXES for t in EATERY_TYPES], rng)
    shops = _shuffled([p + t for p in SHOP_PREFIXES for t in SHOP_TYPES], rng)
    return _take(_interleave("ES", {"E": eateries, "S": shops}), count, "shop")


def market_names(count: int) -> list[str]:
    """``count`` distinct market names, one per neighbourhood: 站前农贸市场, 东关综合市场 …"""
    rng = _rng()
    roots = _shuffled(list(MARKET_ROOTS), rng)
    return _take((root + rng.choice(MARKET_TYPES) for root in roots), count, "market")


def school_names(count: int) -> list[str]:
    """``count`` distinct school names: 东昌府区兴华路小学, 聊城市第七中学 …"""
    rng = _rng()
    local = [f"东昌府区{root}{kind}" for root in SCHOOL_ROOTS for kind in SCHOOL_TYPES]
    numbered = [f"聊城市第{numeral}中学" for numeral in CHINESE_NUMERALS]
    # One school per root: 东昌府区兴华路小学 but not also 东昌府区兴华路中学.
    by_root: dict[str, str] = {}
    for name in _shuffled(local, rng):
        root = next(r for r in SCHOOL_ROOTS if name.startswith(f"东昌府区{r}"))
        by_root.setdefault(root, name)
    stream = _interleave("LLN", {"L": list(by_root.values()), "N": _shuffled(numbered, rng)})
    return _take(stream, count, "school")


def property_company_names(count: int) -> list[str]:
    """``count`` distinct property-management companies (物业公司)."""
    rng = _rng()
    prefixes = _shuffled(list(PROPERTY_PREFIXES), rng)
    return _take((rng.choice(PROPERTY_FORMS).format(prefix) for prefix in prefixes), count, "property company")


def phone_numbers(count: int, *, office: bool) -> list[str]:
    """``count`` distinct Liaocheng office numbers (0635-8xxxxxx) or mobile numbers (1xxxxxxxxxx)."""
    rng = _rng(1 if office else 2)
    make: Callable[[], str]
    if office:

        def make() -> str:
            return f"0635-8{rng.randrange(100000, 1000000)}"
    else:

        def make() -> str:
            return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"

    return _take((make() for _ in range(count * 20)), count, "phone")


# What a street's name adds to its root, longest first.
STREET_SUFFIXES = ("东路", "西路", "南路", "北路", "大街", "路", "街", "巷")


def street_root(name: str) -> str:
    """The root a street is named by: 兴华 of 兴华东路, 古楼南 of 古楼南街, 振兴 of 振兴巷, 湖西 of 湖西路."""
    known = [root for root in (*ROAD_ROOTS_EW, *ROAD_ROOTS_NS, *STREET_ROOTS, *LANE_ROOTS) if name.startswith(root)]
    if known:
        return max(known, key=len)
    for suffix in STREET_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name.removesuffix(suffix)
    return name


def named_after(name: str, words) -> str | None:
    """The longest of ``words`` that ``name`` begins with, the district's name before it left out (a
    school is 东昌府区兴华路小学), or ``None``: the place, street or neighbourhood the name says."""
    bare = name.removeprefix("东昌府区")
    found = [word for word in words if word and bare.startswith(word)]
    return max(found, key=len) if found else None
