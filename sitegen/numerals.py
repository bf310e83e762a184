"""Numbers as Chinese legal texts write them: 七, 十九, 一百零一 (provision and paragraph names)."""

from __future__ import annotations

from functools import cache

CN_DIGITS = "零一二三四五六七八九"


@cache  # a page names its provisions and paragraphs many times over; the numbers are few
def cn_number(n: int) -> str:
    """A number as Chinese legal texts write it: 7 → 七, 10 → 十, 19 → 十九, 101 → 一百零一,
    110 → 一百一十, 1005 → 一千零五, 10010 → 一万零一十; 0 ≤ n < 100,000,000.

    One 零 stands for any run of zeros between digits; 十 has no 一 before it only at
    the very start (十九, but 一百一十九); 二, never 两, as in 第二百条.
    """
    if n < 0 or n >= 100_000_000:
        raise ValueError(n)
    if n == 0:
        return CN_DIGITS[0]
    high, low = divmod(n, 10_000)
    if not high:
        return _below_10000(low, leading=True)
    text = _below_10000(high, leading=True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _below_10000(low, leading=False)
    return text


def _below_10000(n: int, leading: bool) -> str:
    out: list[str] = []
    zeros = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            zeros = bool(out)
            continue
        if zeros:
            out.append("零")
            zeros = False
        if not (unit == 10 and digit == 1 and leading and not out):
            out.append(CN_DIGITS[digit])
        out.append(name)
    return "".join(out)
