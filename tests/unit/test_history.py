"""The head of an imported text read into dates and issuers (sitegen/history.py), on lines from
the national corpus."""

from __future__ import annotations

from sitegen import history


def facts(*lines: str) -> history.Facts:
    return history.read(list(enumerate(lines, 3)))


def test_a_law_passed_and_amended():
    f = facts(  # 立法法(2023-03-13), as the corpus writes it
        "2000年3月15日 第九届全国人民代表大会第三次会议通过",
        "2015年3月15日 第十二届全国人民代表大会第三次会议《关于修改〈中华人民共和国立法法〉的决定》第一次修正",
        "2023年3月13日 第十四届全国人民代表大会第一次会议《关于修改〈中华人民共和国立法法〉的决定》第二次修正）",
    )
    assert f.dates["date_passed"] == "2000-03-15" and f.dates["date_amended"] == "2023-03-13"
    assert f.issuer == ["全国人民代表大会"]


def test_a_text_passed_twice_is_dated_by_the_later_version():
    # 最高人民法院关于人民法院执行工作若干问题的规定（试行）(2020-12-29): the second 通过 is the
    # amendment whose text this is; versions are told apart and cited by that date
    f = facts(
        "1998年6月11日 最高人民法院审判委员会第992次会议通过", "2020年12月23日 最高人民法院审判委员会第1823次会议通过"
    )
    assert f.dates == {"date_passed": "1998-06-11", "date_amended": "2020-12-23"}
    assert f.issuer == ["最高人民法院"]


def test_promulgated_after_it_was_passed_is_not_an_amendment():
    f = facts("2006年12月8日国务院第159次常务会议通过", "2006年12月19日中华人民共和国国务院令第481号公布")
    assert f.dates == {"date_passed": "2006-12-08", "date_promulgated": "2006-12-19"}
