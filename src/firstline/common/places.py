"""How villages write their places: groups (3组, 三组, 第3村民小组, 3队) and houses (3组15号, 村委会后院).

Plain text rules, shared by the imports (a roster's 组 column and addresses) and the search (a house
typed at the desk's finder), so that both read a village's words the same way.
"""

import re
import unicodedata

_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# A group's number as villages write it: 3, 三, 十二.
GROUP_NUMBER = r"[0-9]+|[零〇一二两三四五六七八九十百]+"


def chinese_number(text: str) -> int | None:
    """'3' → 3, '十二' → 12, '二十' → 20, '一百零五' → 105; None for anything else."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char in "十百":
            total += (1 if digit is None else digit) * (10 if char == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0) if text else None


_GROUP = re.compile(rf"^(?:第)?(?P<n>{GROUP_NUMBER})(?:村民小组|村民组|小组|组|队|生产队)?$")


def group_key(name: str) -> str:
    """'3组', '三组', '第3村民小组', '3队', 'Group 3' and '3' all give '3'."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower().replace(" ", "")
    text = re.sub(r"^(group|villagegroup|team)", "", text)
    match = _GROUP.match(text)
    if match and (number := chinese_number(match.group("n"))) is not None:
        return str(number)
    return text


_RURAL_ADDRESS = re.compile(
    rf"(?:第)?(?P<group>{GROUP_NUMBER})\s*(?:村民小组|村民组|小组|组|队)\s*(?P<door>[0-9A-Za-z]+(?:[-－—][0-9A-Za-z]+)?)\s*(?:号|户)?(?:院)?\s*$"
)
_HOUSE_NUMBER = re.compile(r"^(?P<door>[0-9]+(?:[-－—][0-9]+)?)\s*(?:号|户)?(?:院)?$")


def split_rural_address(text: str, place_names: tuple[str, ...] = ()) -> tuple[str, str]:
    """A village address as (group, house): '3组15号' / '石楼县XX村三组15号' → ('3', '15'),
    '15号' → ('', '15'), and a house known by a landmark, '村委会后院' → ('', '村委会后院'): in a
    village an address that is no number is the name the village knows the house by, never refused.
    The names of the places above (the village, its township) are taken off the front."""
    compact = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    match = _RURAL_ADDRESS.search(compact)
    if match and (group := chinese_number(match.group("group"))) is not None:
        return str(group), match.group("door")
    for name in sorted((n for n in place_names if n), key=len, reverse=True):
        compact = compact.removeprefix(unicodedata.normalize("NFKC", name).replace(" ", ""))
    match = _HOUSE_NUMBER.match(compact)
    if match:
        return "", match.group("door")
    return "", compact
