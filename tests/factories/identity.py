"""Realistic data for people, by the rules of `common.identity`: Chinese names, 18-digit resident ID
numbers with the right check digit, mainland mobile numbers. Each is a function of a sequence number,
so that a factory's objects differ from each other and a run is the same every time."""

import datetime as dt

from firstline.common.identity import resident_id_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN_NAMES = (
    "芳",
    "伟",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "玉兰",
    "志强",
    "婷",
    "浩然",
    "子涵",
)
# Real county-level codes (the first six digits): Beijing Chaoyang, Shanghai Xuhui, Wuhan Wuchang,
# Shenzhen Nanshan, Chengdu Wuhou, Hangzhou Xihu, Nanjing Xuanwu, Qingdao Shinan.
REGION_CODES = ("110105", "310104", "420106", "440305", "510107", "330106", "320102", "370202")
MOBILE_PREFIXES = ("138", "139", "150", "158", "186", "188", "137", "177", "199", "135")

_FIRST_BIRTH = dt.date(1940, 1, 1)
_BIRTH_DAYS = 27000  # births from 1940 to the end of 2013
_DAY_STEP = 7919  # a prime: n * step mod _BIRTH_DAYS visits every day once, spread over the years


def chinese_name(n: int) -> str:
    """王芳, 李芳, ..., 王伟, ...: surname and given name vary; 560 names before one repeats."""
    return SURNAMES[n % len(SURNAMES)] + GIVEN_NAMES[(n // len(SURNAMES)) % len(GIVEN_NAMES)]


def resident_id_number(n: int) -> str:
    """A valid resident ID number, different for every n below 13 million: a real region code, a birth
    date between 1940 and 2013, a sequence code whose parity alternates the sex, and the check digit."""
    born = _FIRST_BIRTH + dt.timedelta(days=(n * _DAY_STEP) % _BIRTH_DAYS)
    # Same n modulo _BIRTH_DAYS means the same birth date; the sequence code then tells them apart.
    sequence = 10 + 2 * (n // _BIRTH_DAYS) + n % 2
    first17 = f"{REGION_CODES[n % len(REGION_CODES)]}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_digit(first17)


def mobile_number(n: int) -> str:
    """An 11-digit mainland mobile (1[3-9] and nine digits), different for every n below 10⁸."""
    return MOBILE_PREFIXES[n % len(MOBILE_PREFIXES)] + f"{n % 10**8:08d}"
