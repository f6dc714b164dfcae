"""Parameters of the illustrative demo generator, one line per indicator of ``liyang``.

Each ``Gen`` describes Liyang's path (a 2015 level and a yearly trend, or anchor values),
how peers differ from Liyang (random city effect, elasticity to GDP per capita or to GDP,
a shift of the peer mean) and how towns spread around Liyang. Levels and trends are
calibrated by hand to the public figures (see ``qcity.demo.public_figures``) and to the
order of magnitude of Jiangsu county statistics; they make plausible demo data, nothing
more. The model itself is documented in ``qcity.demo.generator``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["log", "logit", "linear", "ratio"]


@dataclass(frozen=True)
class Gen:
    """Generator parameters of one indicator (transformed scale: log, logit of %/100, or
    the value itself for ``linear``)."""

    kind: Kind
    base: float = 0.0  # Liyang's 2015 level (a ratio to the scale series if ``scale``)
    trend: float = 0.0  # change per year on the transformed scale
    city_sd: float = 0.15  # sd of a peer's random effect
    noise_sd: float = 0.03  # sd of the AR(1) year-to-year noise
    town_sd: float = 0.2  # sd of a town's effect around Liyang
    wealth: float = 0.0  # effect per unit of log(GDP per capita / Liyang's)
    size: float = 0.0  # effect per unit of log(GDP / Liyang's)
    peer_shift: float = 0.0  # mean effect of peers relative to Liyang
    decimals: int = 1
    anchors: tuple[tuple[int, float], ...] = ()  # Liyang's path through (year, value)
    shock: str | None = None  # a year-effect profile in ``SHOCKS``
    scale: Literal["gdppc", "gdp"] | None = None  # value = ratio x this series
    additive: bool = False  # a count: towns get Liyang's value x their weight
    monotone: bool = False  # never decreases (e.g. a register of protected sites)
    ratio_of: tuple[str, str] | None = None  # kind ``ratio``: numerator, denominator codes


#: Year effects added on the transformed scale (national cycle, pandemic years).
SHOCKS: dict[str, dict[int, float]] = {
    # Real GDP growth of Jiangsu's county economies, percentage points (a common cycle).
    "growth_cycle": {
        2015: 8.5,
        2016: 8.0,
        2017: 7.5,
        2018: 7.0,
        2019: 6.5,
        2020: 3.8,
        2021: 8.8,
        2022: 3.0,
        2023: 5.5,
        2024: 5.5,
    },
    "covid_tourism": {2020: -0.45, 2021: -0.25, 2022: -0.35},
    "covid_mild": {2020: -0.15, 2021: -0.05, 2022: -0.10},
    "covid_up": {2020: 0.15, 2021: 0.05, 2022: 0.10},
}

SPECS: dict[str, Gen] = {
    # economy
    "EC01": Gen("log", 1.0, 0.0, city_sd=0.0, noise_sd=0.01, decimals=0, scale="gdppc"),
    "EC02": Gen("linear", 0.0, 0.0, city_sd=1.0, noise_sd=0.8, shock="growth_cycle"),
    "EC03": Gen("log", 0.075, -0.01, noise_sd=0.03, decimals=0, scale="gdppc"),
    "EC04": Gen(
        "log",
        trend=0.09,
        city_sd=0.7,
        noise_sd=0.05,
        peer_shift=-1.5,
        anchors=((2015, 3.0), (2017, 40.0), (2019, 180.0), (2021, 429.0), (2024, 760.0)),
    ),
    "EC05": Gen("log", 250.0, 0.08, city_sd=0.5, noise_sd=0.05, peer_shift=-0.5),
    "EC06": Gen("log", 120.0, 0.10, city_sd=0.5, noise_sd=0.05, peer_shift=-0.3),
    "EC07": Gen("log", 100.0, 0.09, city_sd=0.5, noise_sd=0.05, size=0.3),
    "EC08": Gen("logit", 2.4, 0.04, city_sd=0.12, noise_sd=0.03, wealth=0.3, decimals=2),
    "EC09": Gen("logit", 40.0, 0.04, city_sd=0.2, noise_sd=0.04),
    "EC10": Gen("log", 8.0, 0.15, city_sd=0.25, noise_sd=0.04, wealth=0.8, decimals=2),
    "EC11": Gen("log", 80.0, 0.08, city_sd=0.15, noise_sd=0.02, wealth=0.3, town_sd=0.3),
    "EC12": Gen("log", 3.0, 0.03, city_sd=0.3, noise_sd=0.1, size=1.0, decimals=2),
    # culture
    "SC01": Gen("logit", 85.0, 0.05, city_sd=0.2, noise_sd=0.08),
    "SC02": Gen("logit", 12.0, 0.08, city_sd=0.2, noise_sd=0.04),
    "SC03": Gen("log", 1500.0, 0.05, city_sd=0.25, noise_sd=0.03, town_sd=0.35, decimals=0),
    "SC04": Gen("log", 1.2, 0.06, city_sd=0.2, noise_sd=0.02, wealth=0.3, decimals=2),
    "SC05": Gen("log", 2.0, 0.05, city_sd=0.2, noise_sd=0.05, shock="covid_tourism", decimals=2),
    "SC06": Gen("logit", 4.5, 0.03, city_sd=0.15, noise_sd=0.03, decimals=2),
    "SC07": Gen("log", 80.0, 0.02, city_sd=0.4, noise_sd=0.01, size=0.3, decimals=0, monotone=True),
    "SC08": Gen("logit", 9.0, 0.02, city_sd=0.1, noise_sd=0.03, shock="covid_mild"),
    # ecology
    "EN01": Gen("logit", 68.0, 0.06, city_sd=0.15, noise_sd=0.1),
    "EN02": Gen("log", 52.0, -0.055, city_sd=0.1, noise_sd=0.05, decimals=0),
    "EN03": Gen("logit", 70.0, 0.15, city_sd=0.3, noise_sd=0.2),
    "EN04": Gen("logit", 30.0, 0.01, city_sd=0.3, noise_sd=0.01, town_sd=0.5, decimals=2),
    "EN05": Gen("logit", 42.0, 0.015, city_sd=0.1, noise_sd=0.02, decimals=2),
    "EN06": Gen("log", 0.45, -0.04, city_sd=0.2, noise_sd=0.02, wealth=-0.3, decimals=3),
    "EN07": Gen("log", 1.0, -0.045, city_sd=0.2, noise_sd=0.02, wealth=-0.3, decimals=3),
    "EN08": Gen("logit", 15.0, 0.12, city_sd=0.4, noise_sd=0.05),
    "EN09": Gen("log", 25.0, -0.07, city_sd=0.15, noise_sd=0.02, wealth=-0.8, decimals=2),
    "EN10": Gen("log", 60000.0, 0.05, city_sd=0.3, noise_sd=0.03, peer_shift=-0.6, decimals=0),
    "EN11": Gen(
        "log",
        trend=0.06,
        city_sd=0.4,
        noise_sd=0.04,
        peer_shift=-0.3,
        decimals=2,
        shock="covid_tourism",
        # 2017 is a public figure; 2023 follows the reported lower bound "超2700万人次".
        anchors=((2015, 1400.0), (2017, 1757.09), (2019, 2100.0), (2023, 2750.0)),
    ),
    "EN12": Gen(
        "log",
        trend=0.06,
        city_sd=0.4,
        noise_sd=0.04,
        peer_shift=-0.3,
        decimals=2,
        shock="covid_tourism",
        # 2017 is a public figure; 2023 follows the reported lower bound "超320亿元".
        anchors=((2015, 165.0), (2017, 206.59), (2019, 260.0), (2023, 330.0)),
    ),
    # public services
    "PS01": Gen("log", 4.8, 0.04, city_sd=0.12, noise_sd=0.02, decimals=2),
    "PS02": Gen("log", 2.3, 0.05, city_sd=0.12, noise_sd=0.02, decimals=2),
    "PS03": Gen("log", 2.0, 0.09, city_sd=0.15, noise_sd=0.03, decimals=2),
    "PS04": Gen("logit", 30.0, 0.35, city_sd=0.4, noise_sd=0.1),
    "PS05": Gen("logit", 75.0, 0.15, city_sd=0.3, noise_sd=0.08),
    # falling since 2020 (enrolment grows faster than the staff): the monitoring demo
    # (docs/en/monitor.md) then shows a deteriorating indicator
    "PS06": Gen(
        "log",
        city_sd=0.1,
        noise_sd=0.02,
        decimals=2,
        anchors=((2015, 17.0), (2020, 18.3), (2024, 16.6)),
    ),
    "PS07": Gen("log", 35.0, 0.03, city_sd=0.15, noise_sd=0.03, town_sd=0.3),
    "PS08": Gen("log", 0.8, 0.22, city_sd=0.3, noise_sd=0.05, decimals=2),
    # 2020 anchor: census urban population 495,507 of 785,092 residents (63.1 %).
    "PS09": Gen(
        "logit",
        trend=0.03,
        city_sd=0.3,
        noise_sd=0.01,
        wealth=0.8,
        decimals=2,
        anchors=((2020, 63.1),),
    ),
    "PS10": Gen("logit", 85.0, 0.25, city_sd=0.4, noise_sd=0.1),
    "PS11": Gen("logit", 30.0, 0.30, city_sd=0.4, noise_sd=0.1, town_sd=0.5),
    # livelihood
    "LV01": Gen("log", 40000.0, 0.065, city_sd=0.05, noise_sd=0.01, wealth=0.5, decimals=0),
    "LV02": Gen(
        "log", 20500.0, 0.075, city_sd=0.05, noise_sd=0.01, wealth=0.5, decimals=0, town_sd=0.1
    ),
    "LV03": Gen("ratio", decimals=2, ratio_of=("LV01", "LV02")),
    "LV04": Gen("log", 80.0, 0.10, city_sd=0.3, noise_sd=0.05, wealth=1.0, town_sd=0.4),
    "LV05": Gen(
        "log",
        12000.0,
        0.0,
        city_sd=0.1,
        noise_sd=0.05,
        size=1.0,
        decimals=0,
        shock="covid_mild",
        additive=True,
    ),
    "LV06": Gen("logit", 3.0, -0.01, city_sd=0.1, noise_sd=0.04, shock="covid_up"),
    "LV07": Gen("logit", 93.0, 0.08, city_sd=0.2, noise_sd=0.05, town_sd=0.2, decimals=2),
    "LV08": Gen("logit", 97.5, 0.04, city_sd=0.2, noise_sd=0.05, town_sd=0.2, decimals=2),
    "LV09": Gen("log", 0.04, -0.10, city_sd=0.3, noise_sd=0.1, wealth=-0.5, decimals=4),
    "LV10": Gen("logit", 95.0, 0.06, city_sd=0.2, noise_sd=0.08, decimals=2),
    "LV11": Gen("log", 60.0, -0.09, city_sd=0.2, noise_sd=0.04),
    "LV12": Gen("linear", 80.5, 0.2, city_sd=0.4, noise_sd=0.1, wealth=1.0, decimals=2),
    "LV13": Gen("log", 45.0, 0.01, city_sd=0.1, noise_sd=0.01),
    "LV14": Gen("logit", 88.0, 0.05, city_sd=0.2, noise_sd=0.08),
}

#: Approximate resident population in 2020 (万人; seventh census, rounded) — used only to
#: turn each city's GDP path into GDP per capita for the illustrative generator.
POPULATION_2020: dict[str, float] = {
    "liyang": 78.5,
    "kunshan": 209.3,
    "jiangyin": 178.0,
    "zhangjiagang": 143.2,
    "changshu": 167.7,
    "taicang": 83.1,
    "yixing": 128.6,
    "danyang": 98.4,
    "jurong": 64.5,
    "yangzhong": 34.2,
}
POPULATION_GROWTH = 0.004  # per year, all cities

#: Nominal GDP growth used to extend a city's GDP path beyond its public figures.
DEFAULT_GDP_GROWTH = 0.065

#: Printed GDP texts (亿元, whole year, no qualifier) that calibrate the GDP paths.
GDP_TEXTS: tuple[str, ...] = (
    "地区生产总值",
    "地区生产总值(预计)",
    "地区生产总值(政府工作报告预计)",
)

#: Weights of Liyang's streets and towns for counts (``additive``): illustrative shares
#: of the city's population, NOT census data; they sum to 1.
TOWN_WEIGHTS: dict[str, float] = {
    "liyang_licheng": 0.27,
    "liyang_kunlun": 0.14,
    "liyang_guxian": 0.05,
    "liyang_tianmuhu": 0.08,
    "liyang_daibu": 0.06,
    "liyang_daitou": 0.05,
    "liyang_shanghuang": 0.05,
    "liyang_bieqiao": 0.06,
    "liyang_nandu": 0.06,
    "liyang_zhuze": 0.05,
    "liyang_shezhu": 0.07,
    "liyang_shangxing": 0.06,
}
