"""The headline sentence (qcity.service.headline): each part from the numbers it is given,
in both languages, and the parts left out when a number is missing."""

from __future__ import annotations

from qcity.service.headline import HeadlineFacts, Neighbour, headline, neighbours


def test_neighbours_are_the_closest_better_and_worse_scores() -> None:
    scores = {"a": 90.0, "b": 85.5, "c": 80.0, "d": 70.25}
    ranks = {"a": 1, "b": 2, "c": 3, "d": 4}
    above, below = neighbours(scores, ranks, "c")
    assert above == Neighbour(2, 85.5 - 80.0)
    assert below == Neighbour(4, 80.0 - 70.25)
    top_above, top_below = neighbours(scores, ranks, "a")
    assert top_above is None and top_below == Neighbour(2, 90.0 - 85.5)
    last_above, last_below = neighbours(scores, ranks, "d")
    assert last_below is None and last_above == Neighbour(3, 80.0 - 70.25)


def test_the_sentence_of_the_issue() -> None:
    f = HeadlineFacts(
        score=90.44,
        rank=5,
        n=10,
        group="苏南",
        previous_rank=5,
        above=Neighbour(4, 2.21),
        below=Neighbour(6, 3.58),
        band=(5, 6),
        red_departments=["工信局", "工信局"],
    )
    zh = (
        "90.4分，苏南第5（上年第5），落后第4名2.2分、领先第6名3.6分，"
        "90%情形下第5–6名；2项红灯均属工信局"
    )
    assert headline(f, "zh") == zh
    en = headline(f, "en")
    assert en.startswith("90.4 points, 5th of 10 (苏南), 5th last year; 2.2 behind the 4th")
    assert "3.6 ahead of the 6th; 5th–6th in 90% of scenarios" in en
    assert en.endswith("2 red lights, both with the 工信局.")


def test_missing_parts_are_left_out() -> None:
    f = HeadlineFacts(score=95.0, rank=1, n=3, group="G", below=Neighbour(2, 1.04))
    assert headline(f, "zh") == "95.0分，G第1，领先第2名1.0分；无红灯"
    assert headline(f, "en") == "95.0 points, 1st of 3 (G); 1.0 ahead of the 2nd; no red lights."


def test_a_one_rank_band_and_several_departments() -> None:
    f = HeadlineFacts(
        score=60.0,
        rank=11,
        n=12,
        group="G",
        previous_rank=12,
        band=(11, 11),
        red_departments=["A局", "B局", "A局"],
    )
    zh = "60.0分，G第11（上年第12），90%情形下第11名；3项红灯：A局2项、B局1项"
    assert headline(f, "zh") == zh
    en = headline(f, "en")
    assert "11th of 12 (G), 12th last year; 11th in 90% of scenarios" in en
    assert en.endswith("3 red lights: A局 2, B局 1.")
