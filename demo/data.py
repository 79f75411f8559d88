"""The facts of the Liaocheng demo, as Python data.

Everything here comes from (or is made to fit) the report of the Liaocheng mobilization meeting of
2018-02-28 (创建全国文明城市暨迎接国家卫生城市复审动员大会), where the Dongchangfu district and four
municipal departments pledged their work. The statements are copied from that report; names of people
other than the five speakers, and of streets and compounds, come from ``demo.names``.

Every coded row starts with ``CODE_PREFIX``, which is how ``demo.services.demo_reset`` finds them.
"""

import datetime
from decimal import Decimal
from typing import NamedTuple

CODE_PREFIX = "LC-"
PASSWORD = "liaocheng2018"  # noqa: S105 - the demo's published sign-in password
MEETING_DATE = datetime.date(2018, 2, 28)
TARGET_DEADLINE = datetime.date(2018, 12, 31)
ADDRESS_PREFIX = "东昌府区"

# Campaigns -------------------------------------------------------------------------------------------

CIVILIZED = "LC-WM"
SANITARY = "LC-WS"


class CampaignSeed(NamedTuple):
    code: str
    name: str
    kind: str
    description: str


CAMPAIGNS = (
    CampaignSeed(
        CIVILIZED,
        "创建全国文明城市",
        "civilized",
        "2018年2月28日全市创建全国文明城市暨迎接国家卫生城市复审动员大会部署：全员全力，"
        "对标创建，细化任务，层层传导压力。",
    ),
    CampaignSeed(
        SANITARY,
        "迎接国家卫生城市复审",
        "sanitary",
        "巩固国家卫生城市创建成果，以迎接省爱卫办暗访检查为起点，全力做好国家卫生城市复审各项工作；"
        "市卫生计生委为牵头部门。",
    ),
)

# Departments -----------------------------------------------------------------------------------------


class DepartmentSeed(NamedTuple):
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    head_title: str


class SubdistrictSeed(NamedTuple):
    code: str
    name: str
    communities: tuple[str, ...]
    # How many streets, compounds and urban villages a grid of this subdistrict holds, relatively:
    # the old town and the new centre are dense, the urban fringe has the villages.
    streets: float
    compounds: float
    villages: float


DISTRICT = "LC-DCF"
COORDINATION_OFFICE = "LC-CCB"
SUPERVISION_GROUP = "LC-CCB-DC"
HEALTH_COMMISSION = "LC-WJW"
TECHNICAL_GROUP = "LC-WJW-DD"
URBAN_MANAGEMENT = "LC-CGJ"
HOUSING = "LC-ZJJ"
TRAFFIC_POLICE = "LC-JXJ"
# Sections whose people inspect rather than answer for places: their members are inspectors.
INSPECTION_UNITS = (SUPERVISION_GROUP, TECHNICAL_GROUP)

SUBDISTRICTS = (
    SubdistrictSeed("LC-DCF-GL", "古楼街道", ("大隅首社区", "楼西社区", "东关社区", "楼南社区"), 3.0, 14, 0),
    SubdistrictSeed("LC-DCF-LY", "柳园街道", ("柳园社区", "光岳社区", "龙湾社区"), 2.5, 13, 1),
    SubdistrictSeed("LC-DCF-XQ", "新区街道", ("兴华社区", "振兴社区", "昌润社区", "水城社区"), 3.0, 16, 0),
    SubdistrictSeed("LC-DCF-HX", "湖西街道", ("湖西社区", "向阳社区", "站前社区"), 2.0, 10, 2),
    SubdistrictSeed("LC-DCF-DKP", "道口铺街道", ("道口铺社区", "后屯社区"), 1.5, 6, 5),
    SubdistrictSeed("LC-DCF-YS", "阎寺街道", ("阎寺社区", "利民社区"), 1.5, 7, 4),
    SubdistrictSeed("LC-DCF-FH", "凤凰街道", ("凤凰社区", "嘉明社区", "松桂社区"), 1.5, 8, 4),
    SubdistrictSeed("LC-DCF-BC", "北城街道", ("北城社区", "运河社区", "徒骇河社区"), 1.5, 8, 4),
    SubdistrictSeed("LC-DCF-DC", "东城街道", ("东城社区", "铁塔社区", "花园社区", "闸口社区"), 2.0, 12, 2),
)

# The district departments (区直部门) that are assigned (帮包) to grids and places.
DISTRICT_BUREAUS = (
    DepartmentSeed("LC-DCF-ZJ", "东昌府区住房和城乡建设局", "区住建局", "bureau", DISTRICT, "区住建局局长"),
    DepartmentSeed("LC-DCF-CG", "东昌府区城市管理局", "区城管局", "bureau", DISTRICT, "区城管局局长"),
    DepartmentSeed("LC-DCF-JT", "东昌府区教育和体育局", "区教体局", "bureau", DISTRICT, "区教体局局长"),
    DepartmentSeed("LC-DCF-SJ", "东昌府区市场监督管理局", "区市场监管局", "bureau", DISTRICT, "区市场监管局局长"),
    DepartmentSeed("LC-DCF-WJ", "东昌府区卫生和计划生育局", "区卫计局", "bureau", DISTRICT, "区卫计局局长"),
    DepartmentSeed("LC-DCF-SW", "东昌府区商务局", "区商务局", "bureau", DISTRICT, "区商务局局长"),
    DepartmentSeed("LC-DCF-MZ", "东昌府区民政局", "区民政局", "bureau", DISTRICT, "区民政局局长"),
    DepartmentSeed("LC-DCF-WG", "东昌府区文化广电新闻出版局", "区文广新局", "bureau", DISTRICT, "区文广新局局长"),
    DepartmentSeed("LC-DCF-JY", "东昌府区交通运输局", "区交通运输局", "bureau", DISTRICT, "区交通运输局局长"),
    DepartmentSeed("LC-DCF-HB", "东昌府区环境保护局", "区环保局", "bureau", DISTRICT, "区环保局局长"),
)

# The city's campaign office, whose director leads both campaigns and whose group inspects.
CITY_OFFICE = (
    DepartmentSeed(
        COORDINATION_OFFICE, "聊城市创建全国文明城市工作指挥部办公室", "市创城办", "bureau", None, "市创城办主任"
    ),
    DepartmentSeed("LC-CCB-ZH", "综合协调组", "综合协调组", "section", COORDINATION_OFFICE, "综合协调组组长"),
    DepartmentSeed(SUPERVISION_GROUP, "督查组", "督查组", "section", COORDINATION_OFFICE, "市创城办督查组组长"),
)

# The four municipal departments that pledged, with the sections their pledged work falls to.
MUNICIPAL_BUREAUS = (
    DepartmentSeed(
        HEALTH_COMMISSION, "聊城市卫生和计划生育委员会", "市卫计委", "bureau", None, "市卫计委党委委员、副主任"
    ),
    DepartmentSeed("LC-WJW-AW", "爱国卫生运动办公室", "市爱卫办", "section", HEALTH_COMMISSION, "市爱卫办主任"),
    DepartmentSeed("LC-WJW-JK", "疾病预防控制科", "疾控科", "section", HEALTH_COMMISSION, "疾病预防控制科科长"),
    DepartmentSeed("LC-WJW-JY", "健康教育科", "健教科", "section", HEALTH_COMMISSION, "健康教育科科长"),
    DepartmentSeed("LC-WJW-JD", "公共卫生监督科", "卫生监督科", "section", HEALTH_COMMISSION, "公共卫生监督科科长"),
    DepartmentSeed(TECHNICAL_GROUP, "技术督导组", "技术督导组", "section", HEALTH_COMMISSION, "技术督导组组长"),
    DepartmentSeed(URBAN_MANAGEMENT, "聊城市城市管理局", "市城管局", "bureau", None, "市城管局党组书记"),
    DepartmentSeed("LC-CGJ-SR", "市容环境卫生科", "市容环卫科", "section", URBAN_MANAGEMENT, "市容环境卫生科科长"),
    DepartmentSeed("LC-CGJ-GG", "户外广告管理科", "广告科", "section", URBAN_MANAGEMENT, "户外广告管理科科长"),
    DepartmentSeed("LC-CGJ-WJ", "违法建设治理科", "违建科", "section", URBAN_MANAGEMENT, "违法建设治理科科长"),
    DepartmentSeed("LC-CGJ-SZ", "市政设施管理科", "市政科", "section", URBAN_MANAGEMENT, "市政设施管理科科长"),
    DepartmentSeed("LC-CGJ-ZF", "执法支队", "执法支队", "section", URBAN_MANAGEMENT, "城管执法支队支队长"),
    DepartmentSeed(HOUSING, "聊城市住房和城乡建设局", "市住建局", "bureau", None, "市住建局党组书记、局长"),
    DepartmentSeed("LC-ZJJ-PG", "棚户区改造办公室", "棚改办", "section", HOUSING, "棚户区改造办公室主任"),
    DepartmentSeed("LC-ZJJ-WY", "物业管理科", "物业科", "section", HOUSING, "物业管理科科长"),
    DepartmentSeed("LC-ZJJ-JN", "建筑节能与科技科", "节能科", "section", HOUSING, "建筑节能与科技科科长"),
    DepartmentSeed("LC-ZJJ-SC", "建筑市场监管科", "建管科", "section", HOUSING, "建筑市场监管科科长"),
    DepartmentSeed(
        TRAFFIC_POLICE, "聊城市公安局交通巡逻警察支队", "市交巡警支队", "bureau", None, "市公安局交巡警支队支队长"
    ),
    DepartmentSeed("LC-JXJ-ZX", "秩序科", "秩序科", "section", TRAFFIC_POLICE, "秩序科科长"),
    DepartmentSeed("LC-JXJ-KJ", "科技科", "科技科", "section", TRAFFIC_POLICE, "科技科科长"),
    DepartmentSeed("LC-JXJ-XC", "宣传科", "宣传科", "section", TRAFFIC_POLICE, "宣传科科长"),
    DepartmentSeed("LC-JXJ-QW", "勤务指挥科", "勤务科", "section", TRAFFIC_POLICE, "勤务指挥科科长"),
)


def departments() -> list[DepartmentSeed]:
    """Every demo department, parents before children."""
    district = DepartmentSeed(DISTRICT, "东昌府区", "东昌府区", "district", None, "东昌府区委书记")
    subdistricts = [
        DepartmentSeed(s.code, s.name, s.name, "subdistrict", DISTRICT, "街道党工委书记") for s in SUBDISTRICTS
    ]
    communities = [
        DepartmentSeed(f"{s.code}-{n:02d}", name, name, "community", s.code, "社区党委书记")
        for s in SUBDISTRICTS
        for n, name in enumerate(s.communities, start=1)
    ]
    return [*CITY_OFFICE, district, *subdistricts, *communities, *DISTRICT_BUREAUS, *MUNICIPAL_BUREAUS]


# People ----------------------------------------------------------------------------------------------


class PersonSeed(NamedTuple):
    username: str
    family_name: str
    given_name: str
    title: str
    department: str
    role: str
    is_superuser: bool = False


# The four sign-ins the README names; leader, inspector and staff are also a department's head or
# liaison (see HEADS and LIAISONS), so they appear in the department tree like everyone else.
LOGINS = (
    PersonSeed("admin", "王", "磊", "系统管理员", COORDINATION_OFFICE, "administrator", is_superuser=True),
    PersonSeed("leader", "陈", "立新", "市创城办主任", COORDINATION_OFFICE, "leader"),
    PersonSeed("inspector", "孙", "丽华", "市创城办督查组组长", SUPERVISION_GROUP, "inspector"),
    PersonSeed("staff", "张", "涛", "市城管局创城联络员", URBAN_MANAGEMENT, "staff"),
)

# The five speakers of the meeting, each heading the department they spoke for.
SPEAKERS = (
    PersonSeed("ronghongzhi", "荣", "红智", "东昌府区委书记", DISTRICT, "leader"),
    PersonSeed("zhaojinxing", "赵", "金星", "市卫计委党委委员、副主任", HEALTH_COMMISSION, "leader"),
    PersonSeed("libaozhong", "李", "保忠", "市城管局党组书记", URBAN_MANAGEMENT, "leader"),
    PersonSeed("guoxinhua", "郭", "新华", "市住建局党组书记、局长", HOUSING, "leader"),
    PersonSeed("liuzhanjun", "刘", "占军", "市公安局交巡警支队支队长", TRAFFIC_POLICE, "leader"),
)

# Department code → username of its head, where the head is one of the named people above.
HEADS = {
    COORDINATION_OFFICE: "leader",
    SUPERVISION_GROUP: "inspector",
    DISTRICT: "ronghongzhi",
    HEALTH_COMMISSION: "zhaojinxing",
    URBAN_MANAGEMENT: "libaozhong",
    HOUSING: "guoxinhua",
    TRAFFIC_POLICE: "liuzhanjun",
}
# Department code → username of its liaison (联络员), where that is a named sign-in.
LIAISONS = {URBAN_MANAGEMENT: "staff"}

# Inspectors besides the heads of the inspection units: (username, department, title).
EXTRA_INSPECTORS = (
    ("lc-ccb-dc-1", SUPERVISION_GROUP, "市创城办督查组督查员"),
    ("lc-ccb-dc-2", SUPERVISION_GROUP, "市创城办督查组督查员"),
    ("lc-ccb-dc-3", SUPERVISION_GROUP, "市创城办督查组督查员"),
    ("lc-wjw-dd-1", TECHNICAL_GROUP, "市卫计委技术督导员"),
    ("lc-wjw-dd-2", TECHNICAL_GROUP, "市卫计委技术督导员"),
    ("lc-wjw-dd-3", TECHNICAL_GROUP, "市卫计委技术督导员"),
    ("lc-dcf-inspector-1", DISTRICT, "东昌府区创城办督查员"),
    ("lc-dcf-inspector-2", DISTRICT, "东昌府区创城办督查员"),
)

# The county-level leaders (县级领导) of Dongchangfu who each lead one to three grids.
COUNTY_LEADER_TITLES = (
    "区委副书记", "区委常委、常务副区长", "区委常委、组织部部长", "区委常委、宣传部部长", "区委常委、纪委书记",
    "区委常委、政法委书记", "区委常委、统战部部长", "区委常委、区委办公室主任", "区委常委、副区长", "副区长",
    "副区长", "副区长", "副区长", "副区长", "区人大常委会主任", "区人大常委会副主任", "区人大常委会副主任",
    "区人大常委会副主任", "区人大常委会副主任", "区政协主席", "区政协副主席", "区政协副主席", "区政协副主席",
    "区政协副主席", "区人民法院院长", "区人民检察院检察长", "区长助理", "区长助理", "区委调研员", "区委调研员",
    "区人大常委会党组副书记", "区政协党组副书记",
)  # fmt: skip
# How many grids each county-level leader leads, in the order of COUNTY_LEADER_TITLES (61 in all).
GRIDS_PER_LEADER = (3, 2, 2, 2, 3, 2, 2, 1, 2, 2, 3, 2, 1, 2, 2, 2, 3, 2, 1, 2, 2, 2, 1, 3, 2, 1, 2, 1, 2, 1, 2, 1)


def county_leader_usernames() -> list[str]:
    return [f"lc-xj-{n:02d}" for n in range(1, len(COUNTY_LEADER_TITLES) + 1)]


def head_username(code: str) -> str:
    return HEADS.get(code, f"{code.lower()}-head")


def liaison_username(code: str) -> str:
    return LIAISONS.get(code, f"{code.lower()}-staff")


def usernames() -> list[str]:
    """Every demo sign-in, so that a reset removes exactly these users."""
    names = [person.username for person in (*LOGINS, *SPEAKERS)]
    for department in departments():
        names += [head_username(department.code), liaison_username(department.code)]
    names += [username for username, _department, _title in EXTRA_INSPECTORS]
    names += county_leader_usernames()
    return list(dict.fromkeys(names))


# Pledges ---------------------------------------------------------------------------------------------


class PledgeSeed(NamedTuple):
    department: str
    campaign: str
    speaker: str
    speaker_title: str
    headline: str


PLEDGES = (
    PledgeSeed(DISTRICT, CIVILIZED, "荣红智", "东昌府区委书记", "网格化落实“创城”任务，六大区域规范提升"),
    PledgeSeed(
        HEALTH_COMMISSION,
        SANITARY,
        "赵金星",
        "聊城市卫计委党委委员、副主任",
        "下大力气做好疾病防控，抓好公共场所卫生",
    ),
    PledgeSeed(
        URBAN_MANAGEMENT,
        CIVILIZED,
        "李保忠",
        "聊城市城市管理局党组书记",
        "开展五项专项治理活动，彻底取缔露天烧烤",
    ),
    PledgeSeed(HOUSING, CIVILIZED, "郭新华", "聊城市住建局党组书记、局长", "力争到2020年全面消除规划区内的棚户区"),
    PledgeSeed(
        TRAFFIC_POLICE, CIVILIZED, "刘占军", "聊城市公安局交巡警支队支队长", "年内城区主干道通行效率提高15%以上"
    ),
)

# What each speaker said, paragraph by paragraph, as the report printed it.
STATEMENTS: dict[str, tuple[str, ...]] = {
    # 荣红智
    "LC-DCF": (
        (
            "在会上的表态发言中，东昌府区委书记荣红智表示，要坚定信心，聚焦合力，狠抓创建。"
            "会后将召开动员大会，成立专门机构，制定实施方案，全员全力，推进这项工作。"
        ),
        (
            "具体来说，就是细化任务，对标创建。实行网格化落实，将城区划分为61个网格，对142条街巷，"
            "662个小区，54个城中村全部实行县级领导，区直部门帮包全覆盖。坚持区域属地管理，"
            "帮包责任管理双管齐下；发挥党员力量，抓好城市街巷、居民小区、社区、九小行业、各类市场、"
            "德育教育及校园环境等六大区域进行规范提升。"
        ),
        (
            "同时，规范化整改，采取实施督导、追责问效、实施排查等整改方式，倒逼责任落实，确保每个环节、"
            "每个领域都能够定期细查。坚持恒心，聚焦需求抓创建，围绕新时代人民对美好生活的向往，"
            "围绕乡村建设、污染防治等重点工作，抓好棚户区改造、开展安置、背街小巷、老旧小区改造提升，"
            "开展好蓝天保卫战、清河行动，做好农村生活垃圾三级分类等城乡环卫一体化，让群众更舒心、更安心、"
            "更放心；大力宣传时代楷模，讲好新时代东昌故事，树立更多东昌好榜样，"
            "依托现有100多支志愿者队伍、2万余名志愿者开展志愿主题活动，提升人文新高度，城市新风度；"
            "建立健全学校、家庭、社会三位一体的未成年人思想道德建设工作体系，"
            "开展全方位多角度深层次的主题教育活动。"
        ),
    ),
    # 赵金星
    "LC-WJW": (
        ("聊城市卫计委党委委员、副主任赵金星在代表市卫计委表态发言时表示，要举动担当，严格履职尽责，争当典型示范。"),
        (
            "他说，市卫生计生委作为国家卫生城市复审的牵头部门，将以这次动员会为契机，进一步加大宣传力度、"
            "广度和密度，迅速提高卫生计生系统干部职工和广大市民的知晓度、参与度，努力形成人人关心、支持、"
            "参与创建活动的良好氛围。"
        ),
        (
            "积极为市委、市政府和市创城委当好参谋助手，发挥好综合协调作用，下大力气做好健康教育宣传、"
            "病媒生物防治、传染病防控、公共场所卫生、“五小”行业专项治理等相关工作；"
            "全力以赴抓好卫生计生系统内部的创建工作。"
        ),
        (
            "赵金星表示，市卫生计生委和卫生计生系统全体干部职工将立即进入创城状态，"
            "以迎接省爱卫办暗访检查为起点，全力做好国家卫生城市复审各项工作，"
            "为全国文明城市的成功创建奠定坚实的基础。"
        ),
        (
            "市卫生计生委将按照创城委的统一部署，立即成立创城工作领导小组，全面加强对系统创城工作的领导，"
            "努力完成创城委交办的任务；立即成立市卫生计生委创城工作小组，切实承担起部门职责任务；"
            "成立技术督导工作组，指导督促各东昌府区和市属开发区、各街道的卫生创城工作。"
            "卫生计生系统各单位一定严格按照市创城委员会要求，坚持创城工作“一把手”负总责，"
            "切实完成创城任务。同时，将完善内部工作机制，凡涉及卫计委的工作任务，一律细化分解，"
            "明确到单位、科室和责任人，层层传导压力，实现卫生计生系统创城全覆盖、无遗漏；"
            "坚持实行“谁主管、谁负责，谁丢分、谁负责”，对应付了事、工作滞后、影响创城工作的，"
            "将严格追究责任。"
        ),
    ),
    # 李保忠
    "LC-CGJ": (
        (
            "开展环境卫生专项治理行动、开展户外广告和非法小广告专项治理行动、开展违法建设专项治理行动、"
            "开展占道经营专项治理行动、开展市政基础设施专项治理行动。"
        ),
        (
            "聊城市城市管理局党组书记李保忠在表态发言中表示，"
            "创建全国文明城市和国家卫生城市复审迎检事关城市发展，事关人民群众的切身利益，"
            "市城市管理局作为城市管理主力军，将以这次大会为契机，进一步提高政治站位，统一思想，凝聚共识，"
            "全面贯彻落实市委、市政府的重要决策部署，"
            "把创城和复审迎检作为当前和今后一个时期工作的重中之重，迅速全面动员精心部署，抓源头、抓弱点，"
            "全力开展各项创建工作，重点开展以上五个专项治理行动。"
        ),
        (
            "具体来说，将落实“门前五包”，对城区主次干道、城乡结合部、城市出入口环境卫生进行高标准、"
            "常态化整治；设置创建文明城市公益广告，大力治理乱贴乱画；做好违建集中治理行动的收尾工作，"
            "继续保持对市区内各类违法建筑物的高压治理态势；整治流动摊点、占道经营、店外经营，"
            "彻底取缔露天烧烤；合理配置公厕、垃圾点，在广场、公园等新增座椅等便民设施。同时，"
            "加强城市精细化管理，充分利用数字化城市管理系统，提高城市管理的智能化水平，做到路平、灯明、"
            "排水畅通，环境卫生整洁，市容市貌有序。"
        ),
        (
            "李保忠表示，城市管理工作点多、线长、面广、头绪多，任务重、责任大、压力大，"
            "但是因为领导班子坚强有力，干部职工队伍讲奉献、爱岗敬业，工作作风扎实干，在市委、"
            "市政府的强大领导下，一定会坚决完成各项工作任务。"
        ),
    ),
    # 郭新华
    "LC-ZJJ": (
        (
            "聊城市住建局党组书记、局长郭新华在表态发言中指出，"
            "将把全国文明城市创建和国家卫生城市复审工作作为“一把手”工程抓实抓好，"
            "切实完成今年的棚户区改造、老旧小区改造、物业管理水平提升、环保力度提升等方面的各项工作任务。"
        ),
        (
            "郭新华表示，创建全国文明城市对于改善群众生活质量、提高城市知名度和美誉度、"
            "提升区域综合竞争能力的意义不言而喻；迎接国家卫生城市复审，巩固国家卫生城市创建成果，"
            "与创建全国文明城市相辅相成、殊途同归。"
        ),
        (
            "聊城市住建局将积极推动完成2018年度新开工4.9万套、基本建成1.9万套棚户区改造任务，"
            "力争到2020年全面消除规划区内的棚户区；"
            "根据山东省《关于推进全省老旧小区住宅小区整治改造和物业管理的意见》和2018年度工作计划，"
            "督导完成104个老旧小区改造，进一步提升老旧小区居住环境，到2020年底基本完成整治改造，"
            "实现老旧小区物业全覆盖。同时，进一步提升物业管理水平，切实解决社区各类物业问题，"
            "加快实现物业管理工作新突破，让居民处处感受到城市形象的日益优化。"
        ),
        (
            "全面推行建筑节能，加大环境保护力度，完成太阳能光热建筑一体化80万平方米以上，"
            "中心城区新开工装配式建筑占比不低于20%、县(市)不低于12%；"
            "强化提升建筑工地文明施工和安全管理水平，切实提高建筑围挡档次和扬尘治理水平。"
        ),
    ),
    # 刘占军
    "LC-JXJ": (
        (
            "在全市创建全国文明城市暨迎接国家卫生城市复审动员大会上的表态发言中，"
            "聊城市公安局交巡警支队支队长刘占军表示，2018年，要聚焦文明交通，精准精细治理，"
            "具体抓好四个优化，实现四个提升。"
        ),
        (
            "具体为：优化交通组织，提升科技含量；优化交通管控，提升治理水平；优化交通宣教，提升文明意识；"
            "优化勤务机制，提升服务能力。"
        ),
        (
            "坚持解放思想、拓宽视野，积极对标智慧城市建设，充分发挥大数据、云计算等科技作用，"
            "将加快智能交通建设，建成城市交通指挥中心和大数据中心。加快实施城市“优化提升工程”，"
            "对东昌路、柳园路等主干道全部渠化改造，主城区100处信号灯全部自动配时，新增、"
            "改造169处监控卡口和电子警察，48处高点监控，74块诱导屏，45处语音提示系统，"
            "确保年内城区主干道通行效率提高15%以上。"
        ),
        (
            "对城市堵点乱点再排查，一个乱点一个乱点整治，一个堵点一个堵点突破，设立交通秩序示范街，"
            "培育一批示范路口、样板路段，以点带线、以线促面，确保城市交通秩序持续改观。"
            "从严治理市民群众反映强烈的“三驾”、“三乱”、“两牌”、“两闯”等交通违法行为，"
            "持续加大“不礼让斑马线”和三轮车、四轮车治理力度，继续保持高压严管态势，"
            "让市民群众出行更安全更畅通。"
        ),
        (
            "全力打好文明宣传主动仗，广泛开展“文明交通我先行”、“交通违法我监督”、"
            "“文明出行我点赞”等系列活动，精心组织交通安全“五进”宣传，持续加大公开曝光力度。"
            "实施百千万微信工程，灵活开展微宣传微提示微教育，用好驾驶人、驾校学员、文明单位员工、"
            "志愿者“四支”队伍，常态开展文明交通志愿服务，不断增强全民规则意识、文明意识，"
            "努力形成人人共建、人人共享的良好格局。"
        ),
        (
            "严格落实三长负责制，从领导到民警，全部承包路段，加强视频巡查，强化流动巡逻，"
            "积极构建数据引领、扁平指挥、快速反应的勤务机制。坚持规范文明执法，热情高效服务，"
            "全市推广轻微事故快处快赔，增设交管服务站，打造城市“一刻钟”交管服务圈。坚持压实责任、"
            "科学考核，对完不成任务的，逐级倒查责任，严肃予以问责，以严明的纪律保障各项工作落实。"
        ),
    ),
}


def statement(department: str) -> str:
    return "\n\n".join(STATEMENTS[department])


# Targets ---------------------------------------------------------------------------------------------


class TargetSeed(NamedTuple):
    code: str
    pledge: str
    name: str
    unit: str
    target_value: Decimal
    baseline: Decimal = Decimal(0)
    direction: str = "increase"
    deadline: datetime.date = TARGET_DEADLINE


TARGETS = (
    TargetSeed("LC-T01", HOUSING, "棚户区改造新开工", "套", Decimal(49000)),
    TargetSeed("LC-T02", HOUSING, "棚户区改造基本建成", "套", Decimal(19000)),
    TargetSeed(
        "LC-T03",
        HOUSING,
        "规划区内棚户区剩余比例",
        "%",
        Decimal(0),
        baseline=Decimal(100),
        direction="decrease",
        deadline=datetime.date(2020, 12, 31),
    ),
    TargetSeed("LC-T04", HOUSING, "老旧小区改造", "个", Decimal(104)),
    TargetSeed("LC-T05", HOUSING, "太阳能光热建筑一体化", "平方米", Decimal(800000)),
    TargetSeed("LC-T06", HOUSING, "中心城区新开工装配式建筑占比", "%", Decimal(20)),
    TargetSeed("LC-T07", HOUSING, "县(市)新开工装配式建筑占比", "%", Decimal(12)),
    TargetSeed("LC-T08", TRAFFIC_POLICE, "城区主干道通行效率提升", "%", Decimal(15)),
    TargetSeed("LC-T09", TRAFFIC_POLICE, "信号灯自动配时", "处", Decimal(100)),
    TargetSeed("LC-T10", TRAFFIC_POLICE, "新增改造监控卡口和电子警察", "处", Decimal(169)),
    TargetSeed("LC-T11", TRAFFIC_POLICE, "高点监控", "处", Decimal(48)),
    TargetSeed("LC-T12", TRAFFIC_POLICE, "诱导屏", "块", Decimal(74)),
    TargetSeed("LC-T13", TRAFFIC_POLICE, "语音提示系统", "处", Decimal(45)),
)

# Grids -----------------------------------------------------------------------------------------------

GRID_COUNT = 61
# The urban area of Dongchangfu around the Guangyue tower, cut into cells of about 1.2 km.
CENTRE_LATITUDE = 36.45
CENTRE_LONGITUDE = 115.98
CELL_KM = 1.2
# Which subdistrict each cell of the 8 × 8 lattice belongs to, north at the top; "." is outside the
# urban area. 古楼 is the old town inside the lake, 湖西 west of it, 新区 and 东城 to the east, 柳园 and
# 北城 to the north, 道口铺 and 阎寺 to the south.
GRID_MAP = (
    ".BBBBBFF",
    "LLBBBFFF",
    "LLLXXXDF",
    "HHGGXXDD",
    "HHGGXXDD",
    "HHGGXYDD",
    "KKKYYYYD",
    ".KKYYYY.",
)
GRID_MAP_KEYS = {
    "G": "LC-DCF-GL",
    "L": "LC-DCF-LY",
    "X": "LC-DCF-XQ",
    "H": "LC-DCF-HX",
    "K": "LC-DCF-DKP",
    "Y": "LC-DCF-YS",
    "F": "LC-DCF-FH",
    "B": "LC-DCF-BC",
    "D": "LC-DCF-DC",
}

# Places ----------------------------------------------------------------------------------------------

# The seed's numbers: 142 streets and lanes, 662 residential compounds, 54 urban villages.
STREET_COUNT = 142
COMPOUND_COUNT = 662
VILLAGE_COUNT = 54
# The other areas of the "six areas" (六大区域); every community also is a place.
MARKET_COUNT = 6
SCHOOL_COUNT = 8
SMALL_TRADE_COUNT = 16
# Public places, each in its subdistrict.
PUBLIC_PLACES = (
    ("光岳楼景区", "LC-DCF-GL"),
    ("东昌湖风景区", "LC-DCF-HX"),
    ("聊城站站前广场", "LC-DCF-HX"),
    ("聊城汽车总站", "LC-DCF-XQ"),
    ("金凤广场", "LC-DCF-XQ"),
    ("人民公园", "LC-DCF-LY"),
)

# Checklist -------------------------------------------------------------------------------------------

# Category → (the kinds of place it is checked at, the campaign its findings count against).
CATEGORIES = {
    "市容环境": (("street", "village", "compound"), CIVILIZED),
    "交通秩序": (("street", "school"), CIVILIZED),
    "小区管理": (("compound",), CIVILIZED),
    "校园周边": (("school",), CIVILIZED),
    "公共场所卫生": (("public_place", "small_trade", "market"), SANITARY),
    "病媒生物防制": (("compound", "village", "market", "small_trade"), SANITARY),
    "九小行业": (("small_trade",), SANITARY),
    "农贸市场": (("market",), SANITARY),
}


class CriterionSeed(NamedTuple):
    code: str
    category: str
    title: str
    requirement: str
    points: Decimal
    rectify_limit: str  # time to rectify after dispatch: 4h (office hours), 3d (working days), 24nh (natural hours)
    # For "owner" criteria: the department that fixes findings wherever they are, and its section.
    owner: str | None = None
    owner_section: str | None = None
    findings: tuple[str, ...] = ()
    rectification: str = "已按要求整改到位，现场复查合格。"
    # "assigned" for what the place's 帮包 department organizes; otherwise the owner leads if there is
    # one, else the place's subdistrict or community (属地).
    led_by: str = ""
    # Departments told to help (协办) when a finding is dispatched.
    assisting: tuple[str, ...] = ()
    # Time to dispatch after filing, and to verify after the department's submission.
    dispatch_limit: str = "1h"
    verify_limit: str = "1d"

    @property
    def lead(self) -> str:
        """The criterion's ``Criterion.Lead``."""
        return self.led_by or ("owner" if self.owner else "territorial")


ONE, HALF, TWO = Decimal(1), Decimal("0.5"), Decimal(2)

CRITERIA = (
    CriterionSeed(
        "LC-C01", "市容环境", "沿街单位“门前五包”责任未落实", "沿街单位签订“门前五包”责任书，门前整洁有序。", ONE, "2d",
        findings=(
            "{place}沿街商户门前堆放杂物，未见“门前五包”责任牌。",
            "{place}多家门店门前地面油污，责任单位未清理。",
        ),
        rectification="已督促沿街商户清理门前杂物，补签“门前五包”责任书并上墙公示。",
    ),
    CriterionSeed(
        "LC-C02", "市容环境", "道路、人行道积存垃圾和卫生死角", "主次干道、背街小巷无积存垃圾，无卫生死角。", ONE, "4h",
        findings=("{place}人行道绿化带内积存生活垃圾约两立方米。", "{place}拐角处有卫生死角，建筑垃圾长期未清运。"),
        rectification="已组织环卫人员清运积存垃圾，纳入每日保洁范围。",
        verify_limit="2h",
    ),
    CriterionSeed(
        "LC-C03", "市容环境", "乱贴乱画、非法小广告", "建（构）筑物、公共设施无乱贴乱画和非法小广告。", HALF, "2d",
        findings=("{place}电线杆、配电箱上张贴大量非法小广告。", "{place}临街墙面有乱涂乱画的办证电话。"),
        rectification="已清除非法小广告和涂写，对公布的号码进行停机处理。",
    ),
    CriterionSeed(
        "LC-C04", "市容环境", "户外广告、门头牌匾破损或不规范", "户外广告设置规范，牌匾完好、整洁。", ONE, "5d",
        owner=URBAN_MANAGEMENT, owner_section="LC-CGJ-GG",
        findings=("{place}一处楼顶广告牌面板破损，存在坠落隐患。", "{place}多家门头牌匾字体残缺，灯箱不亮。"),
        rectification="已拆除破损广告牌，督促商户更换门头牌匾。",
    ),
    CriterionSeed(
        "LC-C05", "市容环境", "占道经营、店外经营", "无占道经营、店外经营和流动摊点。", ONE, "4h",
        findings=("{place}路段多家商户店外经营，占用人行道约二十平方米。", "{place}早市流动摊点占道经营，影响通行。"),
        rectification="已劝导商户入店经营，流动摊点引导进入临时疏导点。",
        led_by="assigned",
        verify_limit="2h",
    ),
    CriterionSeed(
        "LC-C06", "市容环境", "露天烧烤", "城区内无露天烧烤。", TWO, "24nh",
        owner=URBAN_MANAGEMENT, owner_section="LC-CGJ-ZF",
        findings=("{place}夜间有露天烧烤摊点三处，油烟扰民。",),
        rectification="执法支队已依法取缔露天烧烤摊点，暂扣烧烤炉具，安排夜间巡查防止反弹。",
        assisting=("LC-DCF-HB",),
        dispatch_limit="30m",
    ),
    CriterionSeed(
        "LC-C07", "市容环境", "违法建设未及时查处", "对新增违法建设做到早发现、早制止、早拆除。", TWO, "20d",
        owner=URBAN_MANAGEMENT, owner_section="LC-CGJ-WJ",
        findings=("{place}有居民私搭乱建彩钢棚约三十平方米。", "{place}临街门面违规加盖一层。"),
        rectification="已下达限期拆除通知书，违法建设已拆除完毕。",
    ),
    CriterionSeed(
        "LC-C08", "市容环境", "道路破损、井盖缺失", "路面平整，井盖齐全完好。", ONE, "3d",
        owner=URBAN_MANAGEMENT, owner_section="LC-CGJ-SZ",
        findings=("{place}人行道方砖松动破损十余处。", "{place}一处雨水井盖缺失，已设临时警示。"),
        rectification="市政维修队已更换破损方砖，补齐缺失井盖。",
    ),
    CriterionSeed(
        "LC-C09", "市容环境", "公厕保洁不到位", "公厕有专人保洁，无异味，设施完好。", ONE, "2d",
        owner=URBAN_MANAGEMENT, owner_section="LC-CGJ-SR",
        findings=("{place}附近公厕地面积水，异味明显，洗手池损坏。",),
        rectification="已更换洗手池，落实专人定时保洁，张贴保洁记录。",
    ),
    CriterionSeed(
        "LC-C10", "公共场所卫生", "公共场所禁烟标识缺失或有人吸烟", "室内公共场所张贴禁烟标识，无人吸烟。", HALF, "2d",
        findings=("{place}室内未张贴禁烟标识，现场有人吸烟。",),
        rectification="已张贴禁烟标识，设置控烟监督员。",
        led_by="assigned",
    ),
    CriterionSeed(
        "LC-C11", "公共场所卫生", "卫生许可证、健康证不全", "公共场所持有效卫生许可证，从业人员持健康证上岗。",
        ONE, "5d",
        owner=HEALTH_COMMISSION, owner_section="LC-WJW-JD",
        findings=("{place}卫生许可证过期，两名从业人员无健康证。",),
        rectification="已督促补办卫生许可证，从业人员完成健康体检并取得健康证。",
    ),
    CriterionSeed(
        "LC-C12", "公共场所卫生", "健康教育宣传栏缺失或未更新", "设置健康教育宣传栏，定期更新内容。", HALF, "3d",
        owner=HEALTH_COMMISSION, owner_section="LC-WJW-JY",
        findings=("{place}健康教育宣传栏内容仍为去年，未及时更新。",),
        rectification="已更换健康教育宣传内容，每两个月更新一次。",
    ),
    CriterionSeed(
        "LC-C13", "病媒生物防制", "鼠迹、防鼠设施缺失", "重点场所防鼠设施齐全，无鼠迹。", ONE, "3d",
        findings=("{place}垃圾房内发现鼠迹，未设置毒饵站。", "{place}仓库门口未设挡鼠板。"),
        rectification="已投放毒饵站，安装挡鼠板，委托有资质单位定期消杀。",
        led_by="assigned",
    ),
    CriterionSeed(
        "LC-C14", "病媒生物防制", "积水容器、蚊蝇孳生地未清除", "无积水容器和蚊蝇孳生地。", ONE, "2d",
        findings=("{place}废弃轮胎、花盆积水，发现蚊幼。", "{place}垃圾桶周边蝇类密度超标。"),
        rectification="已清除积水容器，对孳生地进行药物处理。",
    ),
    CriterionSeed(
        "LC-C15", "病媒生物防制", "餐饮场所防蝇设施不全", "餐饮场所配备纱门纱窗、灭蝇灯等防蝇设施。", HALF, "3d",
        owner=HEALTH_COMMISSION, owner_section="LC-WJW-AW",
        findings=("{place}后厨未安装纱窗，无灭蝇灯。",),
        rectification="已安装纱门纱窗和灭蝇灯。",
    ),
    CriterionSeed(
        "LC-C16", "交通秩序", "机动车乱停乱放", "机动车按规定停放，不占用人行道和盲道。", ONE, "2h",
        owner=TRAFFIC_POLICE, owner_section="LC-JXJ-ZX",
        findings=("{place}人行道上停放机动车十余辆，占用盲道。",),
        rectification="已对违停车辆依法处罚，施划停车泊位并设置隔离桩。",
        verify_limit="2h",
    ),
    CriterionSeed(
        "LC-C17", "交通秩序", "非机动车停放无序", "非机动车在规定区域有序停放。", HALF, "1d",
        findings=("{place}非机动车停放杂乱，堵塞人行通道。",),
        rectification="已施划非机动车停放区，安排人员引导有序停放。",
        led_by="assigned",
    ),
    CriterionSeed(
        "LC-C18", "交通秩序", "交通信号灯、标志标线损坏", "交通信号灯运行正常，标志标线清晰完整。", ONE, "3d",
        owner=TRAFFIC_POLICE, owner_section="LC-JXJ-KJ",
        findings=("{place}路口人行信号灯不亮。", "{place}斑马线磨损严重，标线不清。"),
        rectification="已维修信号灯，重新施划标线。",
    ),
    CriterionSeed(
        "LC-C19", "交通秩序", "机动车不礼让斑马线", "机动车行经人行横道礼让行人。", ONE, "1d",
        owner=TRAFFIC_POLICE, owner_section="LC-JXJ-ZX",
        findings=("{place}人行横道处十分钟内观察到五辆机动车未礼让行人。",),
        rectification="已在该路口增设警力和抓拍设备，开展“不礼让斑马线”专项治理。",
    ),
    CriterionSeed(
        "LC-C20", "小区管理", "楼道堆物、飞线充电", "楼道无堆积杂物，无私拉电线充电。", ONE, "2d",
        findings=("{place}3号楼楼道堆放杂物，有电动车飞线充电。", "{place}单元门口堆放废旧家具。"),
        rectification="已清理楼道杂物，设置集中充电桩，张贴安全提示。",
    ),
    CriterionSeed(
        "LC-C21", "小区管理", "毁绿种菜、绿地黄土裸露", "小区绿化完好，无毁绿种菜和黄土裸露。", HALF, "5d",
        findings=("{place}绿地被居民开垦种菜约五十平方米。",),
        rectification="已清除菜地，补植草坪。",
    ),
    CriterionSeed(
        "LC-C22", "小区管理", "小区物业管理缺位，无人保洁", "小区有物业服务或社区托管，日常保洁到位。", TWO, "7d",
        owner=HOUSING, owner_section="LC-ZJJ-WY",
        findings=("{place}无物业管理，垃圾无人清运，路面破损。",),
        rectification="已由社区引入托管物业，落实日常保洁和垃圾清运。",
    ),
    CriterionSeed(
        "LC-C23", "小区管理", "建筑工地围挡破损、扬尘未覆盖", "施工工地围挡完好，裸土覆盖，车辆冲洗。", ONE, "3d",
        owner=HOUSING, owner_section="LC-ZJJ-SC",
        findings=("{place}旁在建工地围挡倒塌一段，渣土未覆盖。",),
        rectification="已修复围挡，渣土全部覆盖，出入口设置车辆冲洗设施。",
    ),
    CriterionSeed(
        "LC-C24", "九小行业", "“九小”场所证照不全、卫生脏乱", "“九小”场所证照齐全，环境整洁。", ONE, "5d",
        owner="LC-DCF-SJ",
        findings=("{place}营业执照未公示，店内卫生脏乱。",),
        rectification="已督促公示证照，店内卫生整改到位。",
    ),
    CriterionSeed(
        "LC-C25", "九小行业", "餐饮店后厨卫生脏乱、餐具未消毒", "后厨整洁，餐具清洗消毒保洁。", ONE, "3d",
        owner="LC-DCF-SJ",
        findings=("{place}后厨地面油污，餐具未消毒存放。",),
        rectification="已彻底清理后厨，配备消毒柜，建立消毒记录。",
    ),
    CriterionSeed(
        "LC-C26", "农贸市场", "功能分区不合理、活禽未隔离宰杀", "市场功能分区合理，活禽经营区隔离、宰杀区封闭。",
        TWO, "7d",
        owner="LC-DCF-SJ",
        findings=("{place}活禽摊位与蔬菜摊位混杂，宰杀区未封闭。",),
        rectification="已调整功能分区，活禽宰杀区实行封闭管理。",
    ),
    CriterionSeed(
        "LC-C27", "农贸市场", "市场内外环境脏乱，垃圾未日产日清", "市场内外整洁，垃圾日产日清。", ONE, "5h",
        findings=("{place}市场门口垃圾堆积，污水横流。", "{place}场内摊位周边菜叶垃圾未及时清理。"),
        rectification="已清理垃圾，落实市场保洁员和日产日清制度。",
        led_by="assigned",
        verify_limit="2h",
    ),
    CriterionSeed(
        "LC-C28", "校园周边", "校园周边流动摊贩、无证经营", "校园周边二百米内无流动摊贩和无证经营。", ONE, "2d",
        owner="LC-DCF-JT", assisting=("LC-DCF-CG", "LC-DCF-SJ"),
        findings=("{place}门口放学时段有流动摊贩售卖“三无”食品。",),
        rectification="已清理流动摊贩，放学时段安排执法人员值守。",
    ),
    CriterionSeed(
        "LC-C29", "校园周边", "校园周边交通安全设施缺失", "学校门前设置减速带、警示标志和护学岗。", ONE, "5d",
        owner=TRAFFIC_POLICE, owner_section="LC-JXJ-ZX",
        findings=("{place}门前道路无减速带和学校区域警示标志。",),
        rectification="已设置减速带、警示标志，上下学时段设立护学岗。",
    ),
    CriterionSeed(
        "LC-C30", "校园周边", "未设置社会主义核心价值观公益广告", "校园及周边醒目位置设置公益广告。", HALF, "3d",
        owner="LC-DCF-JT",
        findings=("{place}围墙及周边未见社会主义核心价值观公益广告。",),
        rectification="已在围墙和校门口设置公益广告。",
    ),
)  # fmt: skip

RETURN_REASONS = (
    "该处不在本单位帮包范围，请重新派发。",
    "经现场核实，该问题属于产权单位职责，非本单位职责，申请回退。",
    "问题点位与实际不符，请核实位置后重新派发。",
    "该事项属市级部门职责，请派发至市直相关部门。",
)

# Inspections -----------------------------------------------------------------------------------------


class InspectionSeed(NamedTuple):
    code: str
    title: str
    kind: str
    team: str
    campaign: str
    days_ago: int  # the first day of the round, counted back from today
    days: int  # how many days the round lasted
    leader: str
    members: tuple[str, ...]
    grids: int  # how many grids it covered
    issues: int  # how many problems it found


INSPECTIONS = (
    InspectionSeed(
        "LC-I01", "省爱卫办暗访检查", "undercover", "省爱卫办暗访组", SANITARY, 33, 2,
        "lc-wjw-dd-head", ("lc-wjw-dd-1", "lc-wjw-dd-2"), 10, 12,
    ),
    InspectionSeed(
        "LC-I02", "市卫计委技术督导（第一轮）", "supervision", "市卫计委技术督导组", SANITARY, 27, 3,
        "lc-wjw-dd-head", ("lc-wjw-dd-1", "lc-wjw-dd-3"), 16, 14,
    ),
    InspectionSeed(
        "LC-I03", "市创城办第一轮督查", "supervision", "市创城办督查组", CIVILIZED, 21, 3,
        "inspector", ("lc-ccb-dc-1", "lc-ccb-dc-2", "lc-ccb-dc-3"), 20, 18,
    ),
    InspectionSeed(
        "LC-I04", "东昌府区创城自查", "self_check", "东昌府区创城办自查组", CIVILIZED, 15, 3,
        "lc-dcf-inspector-1", ("lc-dcf-inspector-2",), 61, 14,
    ),
    InspectionSeed(
        "LC-I05", "第三方测评机构模拟测评", "third_party", "第三方测评机构", CIVILIZED, 10, 3,
        "inspector", ("lc-ccb-dc-1",), 24, 12,
    ),
    InspectionSeed(
        "LC-I06", "市创城办背街小巷暗访", "undercover", "市创城办暗访组", CIVILIZED, 4, 1,
        "lc-ccb-dc-2", ("lc-ccb-dc-3",), 8, 8,
    ),
    InspectionSeed(
        "LC-I07", "市卫计委技术督导（第二轮）", "supervision", "市卫计委技术督导组", SANITARY, 1, 1,
        "lc-wjw-dd-head", ("lc-wjw-dd-2", "lc-wjw-dd-3"), 10, 6,
    ),
)  # fmt: skip

# Tasks -----------------------------------------------------------------------------------------------


class TaskSeed(NamedTuple):
    code: str
    campaign: str
    title: str
    department: str
    section: str
    kind: str = "routine"
    description: str = ""
    # Which places or grids the task covers: (what, how many); None means all of them. ``what`` is a
    # place kind, "road", "lane", "old_compound", "grid" or "outer_grid" (grids on the urban fringe).
    scope: tuple[str, int | None] | None = None
    target: str | None = None
    planned: Decimal | None = None  # how much of the target this task is to deliver
    priority: int = 2


SPECIAL_CAMPAIGNS = (
    ("环境卫生专项治理行动", "落实“门前五包”，对城区主次干道、城乡结合部、城市出入口环境卫生进行高标准、常态化整治。"),
    ("户外广告和非法小广告专项治理行动", "设置创建文明城市公益广告，大力治理乱贴乱画。"),
    ("违法建设专项治理行动", "做好违建集中治理行动的收尾工作，继续保持对市区内各类违法建筑物的高压治理态势。"),
    ("占道经营专项治理行动", "整治流动摊点、占道经营、店外经营，彻底取缔露天烧烤。"),
    ("市政基础设施专项治理行动", "合理配置公厕、垃圾点，在广场、公园等新增座椅等便民设施；做到路平、灯明、排水畅通。"),
)

URBAN_MANAGEMENT_TASKS = (
    TaskSeed("LC-CGJ-1-1", CIVILIZED, "环境卫生专项治理：落实沿街单位“门前五包”责任制", URBAN_MANAGEMENT, "LC-CGJ-SR",
             "special", scope=("road", 20), priority=3),
    TaskSeed("LC-CGJ-1-2", CIVILIZED, "环境卫生专项治理：城乡结合部环境卫生常态化整治", URBAN_MANAGEMENT, "LC-CGJ-SR",
             "special", scope=("village", 18)),
    TaskSeed("LC-CGJ-1-3", CIVILIZED, "环境卫生专项治理：城市出入口环境卫生高标准整治", URBAN_MANAGEMENT, "LC-CGJ-SR",
             "special", scope=("outer_grid", 8)),
    TaskSeed("LC-CGJ-2-1", CIVILIZED, "户外广告专项治理：设置创建文明城市公益广告", URBAN_MANAGEMENT, "LC-CGJ-GG",
             "special", scope=("grid", 12)),
    TaskSeed("LC-CGJ-2-2", CIVILIZED, "非法小广告专项治理：集中清理乱贴乱画", URBAN_MANAGEMENT, "LC-CGJ-GG",
             "special", scope=("street", 25)),
    TaskSeed("LC-CGJ-2-3", CIVILIZED, "户外广告专项治理：拆除破损、违规户外广告和门头牌匾", URBAN_MANAGEMENT,
             "LC-CGJ-GG", "special", scope=("road", 12)),
    TaskSeed("LC-CGJ-3-1", CIVILIZED, "违法建设专项治理：做好违建集中治理行动收尾工作", URBAN_MANAGEMENT, "LC-CGJ-WJ",
             "special", scope=("grid", 10)),
    TaskSeed("LC-CGJ-3-2", CIVILIZED, "违法建设专项治理：新增违法建设“零容忍”巡查", URBAN_MANAGEMENT, "LC-CGJ-ZF",
             "special", scope=("grid", 15)),
    TaskSeed("LC-CGJ-3-3", CIVILIZED, "违法建设专项治理：城中村违法建筑拆除", URBAN_MANAGEMENT, "LC-CGJ-WJ",
             "special", scope=("village", 10)),
    TaskSeed("LC-CGJ-4-1", CIVILIZED, "占道经营专项治理：整治流动摊点", URBAN_MANAGEMENT, "LC-CGJ-ZF",
             "special", scope=("road", 15)),
    TaskSeed("LC-CGJ-4-2", CIVILIZED, "占道经营专项治理：整治店外经营", URBAN_MANAGEMENT, "LC-CGJ-ZF",
             "special", scope=("street", 15)),
    TaskSeed("LC-CGJ-4-3", CIVILIZED, "占道经营专项治理：彻底取缔露天烧烤", URBAN_MANAGEMENT, "LC-CGJ-ZF",
             "special", scope=("grid", 20), priority=4),
    TaskSeed("LC-CGJ-5-1", CIVILIZED, "市政基础设施专项治理：道路坑洼修补，做到路平", URBAN_MANAGEMENT, "LC-CGJ-SZ",
             "special", scope=("road", 15)),
    TaskSeed("LC-CGJ-5-2", CIVILIZED, "市政基础设施专项治理：路灯维修亮化，做到灯明", URBAN_MANAGEMENT, "LC-CGJ-SZ",
             "special", scope=("road", 12)),
    TaskSeed("LC-CGJ-5-3", CIVILIZED, "市政基础设施专项治理：雨污管网疏通，确保排水畅通", URBAN_MANAGEMENT,
             "LC-CGJ-SZ", "special", scope=("grid", 10)),
    TaskSeed("LC-CGJ-5-4", CIVILIZED, "市政基础设施专项治理：合理配置公厕、垃圾点，广场公园新增座椅",
             URBAN_MANAGEMENT, "LC-CGJ-SZ", "special", scope=("public_place", None)),
)  # fmt: skip

# The district's six areas (六大区域), each broken down to subdistricts: (title, place kind).
SIX_AREAS = (
    ("城市街巷", "street"),
    ("居民小区", "compound"),
    ("社区", "community"),
    ("九小行业", "small_trade"),
    ("各类市场", "market"),
    ("德育教育及校园环境", "school"),
)
# How many subdistricts each area is broken down to (every subdistrict gets two areas).
SUBDISTRICTS_PER_AREA = 3

DISTRICT_TASKS = (
    TaskSeed("LC-DCF-X1", CIVILIZED, "背街小巷改造提升", DISTRICT, "LC-DCF-ZJ", scope=("lane", 12),
             description="抓好背街小巷改造提升，让群众更舒心、更安心、更放心。"),
    TaskSeed("LC-DCF-X2", CIVILIZED, "老旧小区改造提升", DISTRICT, "LC-DCF-ZJ", scope=("old_compound", 15)),
    TaskSeed("LC-DCF-X3", CIVILIZED, "农村生活垃圾三级分类，推进城乡环卫一体化", DISTRICT, "LC-DCF-CG",
             scope=("village", 20)),
    TaskSeed("LC-DCF-X4", CIVILIZED, "依托100多支志愿者队伍、2万余名志愿者开展志愿主题活动", DISTRICT, "LC-DCF-MZ",
             scope=("grid", 10)),
    TaskSeed("LC-DCF-X5", CIVILIZED, "建立学校、家庭、社会三位一体的未成年人思想道德建设工作体系", DISTRICT,
             "LC-DCF-JT", scope=("school", None)),
    TaskSeed("LC-DCF-X6", CIVILIZED, "开展好蓝天保卫战、清河行动", DISTRICT, "LC-DCF-HB", scope=("outer_grid", 6)),
)  # fmt: skip

HEALTH_TASKS = (
    TaskSeed("LC-WJW-1", SANITARY, "健康教育宣传：公共场所健康教育宣传栏全覆盖", HEALTH_COMMISSION, "LC-WJW-JY",
             scope=("public_place", None)),
    TaskSeed("LC-WJW-2", SANITARY, "健康教育宣传：提高市民对国家卫生城市复审的知晓度、参与度", HEALTH_COMMISSION,
             "LC-WJW-JY", scope=("grid", 10)),
    TaskSeed("LC-WJW-3", SANITARY, "病媒生物防治：春季灭鼠、灭蟑集中行动", HEALTH_COMMISSION, "LC-WJW-AW",
             scope=("compound", 20), priority=3),
    TaskSeed("LC-WJW-4", SANITARY, "病媒生物防治：清除城中村蚊蝇孳生地", HEALTH_COMMISSION, "LC-WJW-AW",
             scope=("village", 12)),
    TaskSeed("LC-WJW-5", SANITARY, "传染病防控：春季传染病防控和学校疫情监测", HEALTH_COMMISSION, "LC-WJW-JK",
             scope=("school", None)),
    TaskSeed("LC-WJW-6", SANITARY, "公共场所卫生：住宿、沐浴、美容美发场所卫生监督检查", HEALTH_COMMISSION,
             "LC-WJW-JD", scope=("small_trade", 10)),
    TaskSeed("LC-WJW-7", SANITARY, "“五小”行业专项治理行动", HEALTH_COMMISSION, "LC-WJW-JD", "special",
             scope=("small_trade", None), priority=3),
    TaskSeed("LC-WJW-8", SANITARY, "迎接省爱卫办暗访检查", HEALTH_COMMISSION, "LC-WJW-AW", scope=("grid", 15),
             priority=4),
    TaskSeed("LC-WJW-9", SANITARY, "技术督导：指导督促东昌府区和各街道的卫生创城工作", HEALTH_COMMISSION,
             TECHNICAL_GROUP, scope=("grid", 20)),
)  # fmt: skip

HOUSING_TASKS = (
    TaskSeed("LC-ZJJ-1", CIVILIZED, "棚户区改造新开工（中心城区）", HOUSING, "LC-ZJJ-PG", target="LC-T01",
             planned=Decimal(26000), priority=3),
    TaskSeed("LC-ZJJ-2", CIVILIZED, "棚户区改造新开工（督导县市区）", HOUSING, "LC-ZJJ-PG", target="LC-T01",
             planned=Decimal(23000)),
    TaskSeed("LC-ZJJ-3", CIVILIZED, "棚户区改造基本建成", HOUSING, "LC-ZJJ-PG", target="LC-T02",
             planned=Decimal(19000)),
    TaskSeed("LC-ZJJ-4", CIVILIZED, "规划区内棚户区清零攻坚（2018年度）", HOUSING, "LC-ZJJ-PG", target="LC-T03",
             planned=Decimal(35)),
    TaskSeed("LC-ZJJ-5", CIVILIZED, "老旧小区改造（中心城区）", HOUSING, "LC-ZJJ-WY", target="LC-T04",
             planned=Decimal(64), scope=("old_compound", 20)),
    TaskSeed("LC-ZJJ-6", CIVILIZED, "老旧小区改造（督导县市区）", HOUSING, "LC-ZJJ-WY", target="LC-T04",
             planned=Decimal(40)),
    TaskSeed("LC-ZJJ-7", CIVILIZED, "推广太阳能光热建筑一体化", HOUSING, "LC-ZJJ-JN", target="LC-T05",
             planned=Decimal(800000)),
    TaskSeed("LC-ZJJ-8", CIVILIZED, "提高中心城区新开工装配式建筑占比", HOUSING, "LC-ZJJ-JN", target="LC-T06",
             planned=Decimal(20)),
    TaskSeed("LC-ZJJ-9", CIVILIZED, "提高县(市)新开工装配式建筑占比", HOUSING, "LC-ZJJ-JN", target="LC-T07",
             planned=Decimal(12)),
    TaskSeed("LC-ZJJ-10", CIVILIZED, "提升物业管理水平，解决社区各类物业问题", HOUSING, "LC-ZJJ-WY",
             scope=("compound", 25)),
    TaskSeed("LC-ZJJ-11", CIVILIZED, "建筑工地文明施工、围挡提档和扬尘治理", HOUSING, "LC-ZJJ-SC",
             scope=("grid", 10), priority=3),
)  # fmt: skip

TRAFFIC_TASKS = (
    TaskSeed("LC-JXJ-1", CIVILIZED, "东昌路、柳园路等主干道渠化改造", TRAFFIC_POLICE, "LC-JXJ-ZX", target="LC-T08",
             planned=Decimal(15), scope=("road", 10), priority=3),
    TaskSeed("LC-JXJ-2", CIVILIZED, "主城区信号灯自动配时", TRAFFIC_POLICE, "LC-JXJ-KJ", target="LC-T09",
             planned=Decimal(100), scope=("road", 25)),
    TaskSeed("LC-JXJ-3", CIVILIZED, "新增、改造监控卡口和电子警察", TRAFFIC_POLICE, "LC-JXJ-KJ", target="LC-T10",
             planned=Decimal(169), scope=("road", 30)),
    TaskSeed("LC-JXJ-4", CIVILIZED, "高点监控建设", TRAFFIC_POLICE, "LC-JXJ-KJ", target="LC-T11", planned=Decimal(48),
             scope=("grid", 12)),
    TaskSeed("LC-JXJ-5", CIVILIZED, "交通诱导屏建设", TRAFFIC_POLICE, "LC-JXJ-KJ", target="LC-T12",
             planned=Decimal(74), scope=("road", 15)),
    TaskSeed("LC-JXJ-6", CIVILIZED, "语音提示系统建设", TRAFFIC_POLICE, "LC-JXJ-KJ", target="LC-T13",
             planned=Decimal(45), scope=("road", 12)),
    TaskSeed("LC-JXJ-7", CIVILIZED, "设立交通秩序示范街，培育示范路口、样板路段", TRAFFIC_POLICE, "LC-JXJ-ZX",
             scope=("road", 6)),
    TaskSeed("LC-JXJ-8", CIVILIZED, "从严治理“三驾”“三乱”“两牌”“两闯”交通违法行为", TRAFFIC_POLICE, "LC-JXJ-ZX",
             "special", scope=("grid", 12), priority=3),
    TaskSeed("LC-JXJ-9", CIVILIZED, "“不礼让斑马线”和三轮车、四轮车专项治理", TRAFFIC_POLICE, "LC-JXJ-ZX", "special",
             scope=("road", 10)),
    TaskSeed("LC-JXJ-10", CIVILIZED, "“文明交通我先行”系列活动和交通安全“五进”宣传", TRAFFIC_POLICE, "LC-JXJ-XC",
             scope=("school", None)),
    TaskSeed("LC-JXJ-11", CIVILIZED, "严格落实三长负责制，民警全部承包路段", TRAFFIC_POLICE, "LC-JXJ-QW",
             scope=("grid", 15)),
    TaskSeed("LC-JXJ-12", CIVILIZED, "推广轻微事故快处快赔，增设交管服务站", TRAFFIC_POLICE, "LC-JXJ-QW",
             scope=("grid", 8)),
)  # fmt: skip

# Progress notes ---------------------------------------------------------------------------------------

# What a department writes at each stage of a task, by the percentage reached.
PROGRESS_NOTES = (
    (25, ("已召开专题部署会，制定实施方案，明确责任科室和责任人。", "已完成摸底排查，建立问题台账。")),
    (
        60,
        (
            "集中整治阶段，按台账逐项销号推进。",
            "已完成主要整治任务，正在开展“回头看”。",
            "组织联合执法，集中攻坚难点问题。",
        ),
    ),
    (99, ("整治任务基本完成，正在查漏补缺。", "已进入收尾阶段，建立长效管理机制。")),
    (100, ("已全部完成，转入常态化管理。",)),
)
QUANTITY_NOTE = "本期完成{quantity}{unit}，累计完成{total}{unit}。"
EXTENSION_REASONS = (
    "涉及产权单位协调，需延期三个工作日完成整改。",
    "需采购更换设施，货到后立即安装，申请延期。",
    "连续降雨无法施工，申请顺延整改期限。",
)
# Suspensions (挂起): why a department could not go on for a while, and what the leader said.
SUSPENSION_REASONS = (
    "涉及违建拆除的行政诉讼正在审理，待法院判决后再行处置。",
    "需与铁路部门协调施工时间，等待对方批复。",
)
SUSPENSION_APPROVED_NOTE = "同意挂起，待条件具备后及时恢复办理。"
# A return the office found unjustified, sent back to the same department.
RETURN_REASON_OVERRULED = "该点位不在我单位帮包范围，请改派。"
OVERRULE_REASON = "经核查，该点位属于你单位帮包责任区，回退理由不成立，请立即整改。"
# Where some cases came from besides the inspections: every n-th issue, by the source (in that order).
SOURCES_EVERY = (("leader", 11), ("media", 13), ("hotline", 7))

SEND_BACK_REASONS = (
    "复查发现问题反弹，整改不彻底。",
    "整改后照片与现场不符，请重新整改。",
    "仅做表面清理，未建立长效机制，请完善。",
)
RESUBMITTED_NOTE = "已按复查意见重新整改，再次提交验收。"
RECTIFYING_NOTES = ("已安排人员现场整改。", "已制定整改方案，正在整改。", "已联系责任单位，限期整改。")
SENT_BACK_NOTE = "复查未通过，按督查组意见重新整改。"
VERIFIED_NOTE = "现场复查，整改到位。"
EXTENSION_DECISION_NOTES = {"approved": "同意延期，请按期完成整改。", "refused": "不予延期，请加快整改进度。"}


def submission_note(rectification: str, number: int) -> str:
    """What a department writes on its ``number``-th (from 0) submission of ``rectification``."""
    return rectification if number == 0 else RESUBMITTED_NOTE + rectification
