"""The words real resident lists use: relations, residence, vaccination, sex, documents, needs.

Property managers, grid workers and the neighbourhood committee each write these their own way
(孙子女, 外孙; 流动人口, 暂住; 两针, 已打加强针; 孕妇(预产期2022-12-20), 行动不便(轮椅)). Every
reader here answers the choice the words mean, or None when it does not know them: what to do
with an unknown label is the caller's decision (people.cleaning keeps the person and the text).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from firstline.common.identity import IdType
from firstline.people.models import Relation, ResidenceStatus, Sex, Vaccination, VulnerabilityTag


def label_key(raw) -> str:
    """How a label is looked up: half-width, lower case, without spaces or closing punctuation."""
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    return re.sub(r"[\s。.!！]+", "", text)


def _table(groups: dict) -> dict:
    table = {}
    for choice, words in groups.items():
        for word in words:
            table[label_key(word)] = choice
        table[label_key(choice.value)] = choice
    return table


SEX_WORDS = _table(
    {
        Sex.MALE: ["男", "男性", "男士", "m", "male", "man"],
        Sex.FEMALE: ["女", "女性", "女士", "f", "female", "woman"],
        Sex.UNKNOWN: ["未知", "不详", "u", "unknown"],
    }
)

ID_TYPE_WORDS = _table(
    {
        IdType.RESIDENT_ID: [
            "身份证",
            "居民身份证",
            "二代身份证",
            "第二代居民身份证",
            "身份证号",
            "临时身份证",
            "户口簿",
            "户口本",
            "港澳台居民居住证",
            "港澳居民居住证",
            "台湾居民居住证",
            "id card",
            "resident id",
        ],
        IdType.PASSPORT: ["护照", "中国护照", "普通护照", "外国护照", "外籍护照", "passport"],
        IdType.HK_MACAU_PERMIT: [
            "港澳通行证",
            "港澳居民来往内地通行证",
            "回乡证",
            "港澳回乡证",
            "港澳居民通行证",
            "港澳台通行证",
        ],
        IdType.TAIWAN_PERMIT: ["台胞证", "台湾居民来往大陆通行证", "台湾通行证"],
        IdType.FOREIGN_PERMANENT: [
            "外国人永久居留身份证",
            "外国人永久居留证",
            "永久居留身份证",
            "永久居留证",
            "永居证",
            "绿卡",
        ],
        IdType.NONE: ["无", "无证件", "暂无", "婴儿", "新生儿", "未办理", "none"],
    }
)

RELATION_WORDS = _table(
    {
        Relation.HEAD: ["户主", "本人", "户主本人", "业主", "房主", "head", "self"],
        Relation.SPOUSE: [
            "配偶",
            "妻",
            "夫",
            "妻子",
            "丈夫",
            "老婆",
            "老公",
            "爱人",
            "夫妻",
            "之妻",
            "之夫",
            "户主配偶",
            "spouse",
            "wife",
            "husband",
        ],
        Relation.CHILD: [
            "子",
            "女",
            "儿",
            "儿子",
            "女儿",
            "子女",
            "长子",
            "次子",
            "三子",
            "长女",
            "次女",
            "三女",
            "之子",
            "之女",
            "独子",
            "独女",
            "养子",
            "养女",
            "继子",
            "继女",
            "孩子",
            "小孩",
            "child",
            "son",
            "daughter",
        ],
        Relation.PARENT: [
            "父",
            "母",
            "父亲",
            "母亲",
            "父母",
            "爸爸",
            "妈妈",
            "继父",
            "继母",
            "养父",
            "养母",
            "岳父",
            "岳母",
            "公公",
            "婆婆",
            "公婆",
            "岳父母",
            "parent",
            "father",
            "mother",
        ],
        Relation.GRANDCHILD: [
            "孙",
            "孙子",
            "孙女",
            "孙子女",
            "外孙",
            "外孙子",
            "外孙女",
            "外孙子女",
            "曾孙",
            "曾孙子",
            "曾孙女",
            "grandchild",
        ],
        Relation.GRANDPARENT: [
            "祖父",
            "祖母",
            "祖父母",
            "爷爷",
            "奶奶",
            "外祖父",
            "外祖母",
            "外祖父母",
            "外公",
            "外婆",
            "姥爷",
            "姥姥",
            "grandparent",
        ],
        Relation.SIBLING: [
            "兄弟",
            "姐妹",
            "兄弟姐妹",
            "兄妹",
            "姐弟",
            "兄",
            "弟",
            "姐",
            "妹",
            "哥",
            "哥哥",
            "弟弟",
            "姐姐",
            "妹妹",
            "sibling",
        ],
        Relation.RELATIVE: [
            "亲属",
            "其他亲属",
            "亲戚",
            "儿媳",
            "儿媳妇",
            "女婿",
            "孙媳",
            "孙媳妇",
            "孙女婿",
            "侄子",
            "侄女",
            "外甥",
            "外甥女",
            "嫂子",
            "嫂",
            "弟媳",
            "弟妹",
            "姐夫",
            "妹夫",
            "叔叔",
            "伯父",
            "伯母",
            "婶婶",
            "舅舅",
            "舅妈",
            "姑姑",
            "姑父",
            "姨",
            "姨妈",
            "姨父",
            "堂兄弟",
            "堂姐妹",
            "表兄弟",
            "表姐妹",
            "relative",
        ],
        Relation.HELPER: [
            "保姆",
            "住家保姆",
            "家政",
            "家政人员",
            "护工",
            "佣人",
            "雇工",
            "helper",
            "nanny",
            "carer",
        ],
        Relation.OTHER: [
            "其他",
            "其它",
            "租客",
            "合租",
            "室友",
            "朋友",
            "同事",
            "借住",
            "非亲属",
            "无关系",
            "other",
            "tenant",
            "lodger",
        ],
    }
)

STATUS_WORDS = _table(
    {
        ResidenceStatus.RESIDENT: [
            "常住",
            "常住人口",
            "户籍",
            "户籍人口",
            "本地",
            "本地人口",
            "本地户籍",
            "自住",
            "业主",
            "业主自住",
            "居住",
            "在住",
            "人户分离",
            "人在户不在",
            "resident",
        ],
        ResidenceStatus.TENANT: ["租户", "租住", "租客", "出租", "承租", "租房", "租赁", "合租", "tenant"],
        ResidenceStatus.TEMPORARY: [
            "暂住",
            "暂住人口",
            "临时",
            "临时居住",
            "流动",
            "流动人口",
            "外来",
            "外来人口",
            "外来务工",
            "借住",
            "寄住",
            "访客",
            "探亲",
            "短住",
            "temporary",
        ],
    }
)

VACCINATION_WORDS = _table(
    {
        Vaccination.NONE: [
            "未接种",
            "未打",
            "没打",
            "未种",
            "没有接种",
            "无",
            "否",
            "0",
            "0针",
            "禁忌",
            "禁忌症",
            "不宜接种",
            "不能接种",
            "none",
        ],
        Vaccination.ONE_DOSE: ["一针", "1", "1针", "第一针", "一剂", "1剂", "已接种一针", "one_dose"],
        Vaccination.TWO_DOSES: [
            "两针",
            "二针",
            "2",
            "2针",
            "第二针",
            "两剂",
            "2剂",
            "全程",
            "全程接种",
            "已完成全程",
            "two_doses",
        ],
        Vaccination.BOOSTER: [
            "加强针",
            "加强",
            "三针",
            "3",
            "3针",
            "第三针",
            "三剂",
            "3剂",
            "已打加强针",
            "加强免疫",
            "booster",
        ],
        Vaccination.UNKNOWN: ["未知", "不详", "unknown"],
    }
)
_DOSES = re.compile(r"([0-9一二两三四五])\s*(?:针|剂)")
_DOSE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


def read_choice(raw, words: dict):
    """The choice the words mean, or None when they are not known."""
    return words.get(label_key(raw))


def read_vaccination(raw) -> str | None:
    """'两针', '已接种3剂', '已打加强针', '未接种' -> the status, or None."""
    key = label_key(raw)
    if key in VACCINATION_WORDS:
        return VACCINATION_WORDS[key]
    if "加强" in key:
        return Vaccination.BOOSTER
    if key.startswith(("未", "没")):
        return Vaccination.NONE
    if match := _DOSES.search(key):
        doses = int(match.group(1)) if match.group(1).isdigit() else _DOSE_DIGITS[match.group(1)]
        return (
            [Vaccination.NONE, Vaccination.ONE_DOSE, Vaccination.TWO_DOSES][doses]
            if doses < 3
            else Vaccination.BOOSTER
        )
    return None


# Vulnerable groups: the words, and whether the word itself says more than the group (高血压 is kept
# in the group's note; 孕妇 is just the group).
_NEEDS: list[tuple[str, bool, list[str]]] = [
    (
        VulnerabilityTag.ELDERLY_ALONE,
        False,
        ["独居老人", "独居", "空巢老人", "空巢", "孤寡老人", "孤寡", "独居长者", "老人独居"],
    ),
    (VulnerabilityTag.ELDERLY_ALONE, True, ["高龄独居", "失独老人", "失独"]),
    (VulnerabilityTag.PREGNANT, False, ["孕妇", "怀孕", "孕期", "孕产妇", "待产", "预产期", "孕"]),
    (VulnerabilityTag.INFANT, False, ["婴儿", "婴幼儿", "幼儿", "新生儿", "哺乳婴儿"]),
    (
        VulnerabilityTag.MOBILITY_IMPAIRED,
        False,
        ["行动不便", "残疾", "残疾人", "肢体残疾", "残障", "残障人士"],
    ),
    (
        VulnerabilityTag.MOBILITY_IMPAIRED,
        True,
        ["卧床", "长期卧床", "瘫痪", "轮椅", "坐轮椅", "失能", "半失能", "失能老人"],
    ),
    (
        VulnerabilityTag.CHRONIC_MEDICATION,
        False,
        ["慢病", "慢性病", "慢病用药", "慢性病用药", "长期用药", "长期服药", "慢病患者"],
    ),
    (
        VulnerabilityTag.CHRONIC_MEDICATION,
        True,
        ["高血压", "糖尿病", "心脏病", "冠心病", "哮喘", "癫痫", "胰岛素", "精神病用药"],
    ),
    (VulnerabilityTag.DIALYSIS, False, ["透析", "血透", "血液透析", "腹透", "腹膜透析", "尿毒症透析"]),
    (
        VulnerabilityTag.LOW_INCOME,
        False,
        ["低保", "低保户", "低收入", "低收入户", "特困", "特困户", "特困供养", "困难户", "五保户", "低边户"],
    ),
    (
        VulnerabilityTag.OTHER,
        True,
        [
            "高龄",
            "高龄老人",
            "重病",
            "重症",
            "肿瘤",
            "癌症",
            "化疗",
            "放疗",
            "精神障碍",
            "精神残疾",
            "智力残疾",
            "视力残疾",
            "盲人",
            "听力残疾",
            "聋哑",
            "孤儿",
            "留守儿童",
            "哺乳期",
            "产妇",
            "术后",
        ],
    ),
    (VulnerabilityTag.OTHER, False, ["其他", "其它"]),
]
NEED_WORDS: dict[str, tuple[str, bool]] = {}
for _tag, _keep, _words in _NEEDS:
    for _word in _words:
        NEED_WORDS[label_key(_word)] = (_tag, _keep)
for _tag in VulnerabilityTag:
    NEED_WORDS.setdefault(label_key(_tag.value), (_tag, False))
_NEED_PREFIXES = sorted(NEED_WORDS, key=len, reverse=True)
# A cell saying "none" in words.
NOTHING_WORDS = frozenset(
    label_key(w)
    for w in ["无", "否", "没有", "暂无", "无特殊", "正常", "/", "-", "—", "--", "none", "no", "n/a", "na"]
)

_SPLIT_OUTSIDE_BRACKETS = re.compile(r"[,，、;；/|｜\s]+(?![^(（\[【]*[)）\]】])")
_BRACKETED = re.compile(r"^(?P<word>[^(（\[【]+)[(（\[【](?P<inside>.*)[)）\]】]$")
_DATE_IN_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)
NOTE_MAX = 200  # Vulnerability.note


@dataclass
class Needs:
    """What a cell of vulnerable groups says: {tag: {"due_date", "note"}}, and what it could not read."""

    tags: dict[str, dict] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # tokens that name no group
    bad_dates: list[str] = field(default_factory=list)  # tokens whose due date is not a real date


def _dates_as_iso(text: str) -> str:
    """2022/12/20, 2022.12.20 and 2022年12月20日 as 2022-12-20, so that a '/' in a date splits nothing."""
    return re.sub(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?", r"\1-\2-\3", text)


def _find_date(text: str) -> tuple[dt.date | None, str, bool]:
    """(the date in the text, the text without it, whether a date-like part was there)."""
    match = _DATE_IN_TEXT.search(text)
    if not match:
        return None, text, False
    parts = match.groups()
    year, month, day = (parts[0], parts[1], parts[2]) if parts[0] else (parts[3], parts[4], parts[5])
    rest = (text[: match.start()] + text[match.end() :]).strip(" ：:，,-")
    try:
        return dt.date(int(year), int(month), int(day)), rest, True
    except ValueError:
        return None, text, True


def _split(token: str) -> tuple[str, str] | None:
    """'孕妇(预产期2022-12-20)' -> ('孕妇', '预产期2022-12-20'); '婴儿8个月' -> ('婴儿', '8个月')."""
    if label_key(token) in NEED_WORDS:
        return token, ""
    match = _BRACKETED.match(token)
    if match and label_key(match.group("word")) in NEED_WORDS:
        return match.group("word").strip(), match.group("inside").strip()
    key = label_key(token)
    for prefix in _NEED_PREFIXES:
        if key.startswith(prefix):
            # The same number of characters of the token (label_key only drops spaces and full stops).
            cut = 0
            seen = 0
            while seen < len(prefix) and cut < len(token):
                if label_key(token[cut]):
                    seen += 1
                cut += 1
            return token[:cut], token[cut:].strip(" ：:，,-")
    return None


def read_needs(raw) -> Needs:
    """A cell of vulnerable groups as people write it: '独居老人、慢病用药', '孕妇(预产期2022-12-20)',
    '行动不便（轮椅）', '婴儿8个月', '孕妇 预产期 2022/12/20'. Or the API's [{"tag", "due_date", "note"}]."""
    needs = Needs()
    if not raw:
        return needs
    if not isinstance(raw, list | tuple):
        raw = str(raw)  # a cell read as a date or a number is text to us
    if isinstance(raw, str):
        tokens = [
            t
            for t in _SPLIT_OUTSIDE_BRACKETS.split(_dates_as_iso(unicodedata.normalize("NFKC", raw)).strip())
            if t
        ]
        items = [(t, {}) for t in tokens]
    else:
        items = [(t, {}) if isinstance(t, str) else (str(t.get("tag") or ""), t) for t in raw]
    last_pregnant = False
    for token, given in items:
        key = label_key(token)
        if not key or key in NOTHING_WORDS:
            continue
        date, rest, dated = _find_date(token)
        if dated and not rest:
            # A date on its own after 孕妇 (孕妇 预产期 2022-12-20) is her due date.
            pregnant = needs.tags.get(str(VulnerabilityTag.PREGNANT)) if last_pregnant else None
            if pregnant is not None and date:
                pregnant.setdefault("due_date", date)
            elif pregnant is not None:
                needs.bad_dates.append(token)
                joined = "；".join(n for n in (pregnant.get("note", ""), token) if n)
                if len(joined) <= NOTE_MAX:
                    pregnant["note"] = joined
                else:
                    needs.unknown.append(token)
            else:
                needs.unknown.append(token)
            continue
        parts = _split(token)
        if parts is None:
            needs.unknown.append(token)
            last_pregnant = False
            continue
        word, inside = parts
        tag, keep_word = NEED_WORDS[label_key(word)]
        detail: dict = {}
        if tag == VulnerabilityTag.PREGNANT:
            due, inside_rest, inside_dated = _find_date(inside)
            if due:
                detail["due_date"] = due
                inside = re.sub(r"^预产期[：:]?", "", inside_rest).strip(" ()[]【】：:，,")
            elif inside_dated:
                needs.bad_dates.append(token)
        note = token.strip() if keep_word else inside
        if len(note) > NOTE_MAX:
            needs.unknown.append(token)
            continue
        if note:
            detail["note"] = note
        for key_name in ("due_date", "note"):
            if given.get(key_name):
                detail[key_name] = given[key_name]
        kept = needs.tags.setdefault(str(tag), {})
        if detail.get("due_date") and not kept.get("due_date"):
            kept["due_date"] = detail["due_date"]
        if detail.get("note"):
            joined = "；".join(n for n in (kept.get("note", ""), detail["note"]) if n)
            if len(joined) <= NOTE_MAX:
                kept["note"] = joined
            else:
                needs.unknown.append(token)  # no room in the group's note: kept in the person's note instead
        last_pregnant = tag == VulnerabilityTag.PREGNANT
    return needs
