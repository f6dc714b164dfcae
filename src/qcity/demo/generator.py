"""Seeded generator of ILLUSTRATIVE demo values (never to be presented as real data).

Model, per indicator ``i`` with parameters ``SPECS[i]`` (``qcity.demo.specs``), on a
transformed scale ``f`` (log for positive quantities, logit of value/100 for shares, the
value itself for rates such as GDP growth)::

    y[c, t] = L(t) + S(t) + e[c] + u[c, t]          value = f⁻¹(y) × scale[c, t]

- ``L(t)`` is Liyang's path: ``f(base) + trend × (t - 2015)``, or a piecewise-linear path
  through anchor values (continued with ``trend`` outside them);
- ``S(t)`` a common year effect (business cycle, pandemic years) where the spec names one;
- ``e[c]`` the city effect. For a city with public figures of the indicator it is the mean
  gap between those figures and ``L + S`` (so the path runs through them); otherwise
  ``peer_shift + wealth × log(GDPpc[c]/GDPpc[liyang]) + size × log(GDP[c]/GDP[liyang]) +
  N(0, city_sd²)`` (0 + nothing random for Liyang itself);
- ``u[c, t]`` AR(1) noise, ρ = 0.5, marginal sd ``noise_sd``;
- ``scale`` is 1, or the city's GDP per capita (元) / GDP (亿元) for GDP-linked ratios.
  GDP paths interpolate each city's public GDP figures log-linearly and extend them at
  6.5 % a year; GDP per capita divides by an approximate census population.

Towns and streets (only for indicators whose ``levels`` include their type) spread
around Liyang: ``y[s, t] = y[liyang, t] + N(0, town_sd²) + u[s, t]``; for counts
(``additive``) Liyang's value is first multiplied by the town's population weight.
``ratio`` indicators (the urban-rural income ratio) are computed from the final values
of their two parts. Values are clipped to the indicator's plausible range and rounded.

Every draw comes from ``numpy.random.default_rng(SeedSequence([seed, crc32(code)]))``:
the output is a pure function of the seed, and one indicator's draws do not depend on
any other indicator.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from qcity import errors
from qcity.demo.public_figures import CITY_CODES, has_qualifier, public_figures
from qcity.demo.specs import (
    DEFAULT_GDP_GROWTH,
    GDP_TEXTS,
    POPULATION_2020,
    POPULATION_GROWTH,
    SHOCKS,
    SPECS,
    TOWN_WEIGHTS,
    Gen,
)

BASE_YEAR = 2015
AR_RHO = 0.5
LIYANG = "liyang"


class DemoSpecError(errors.InputError, KeyError):
    """An indicator the demo generator has no parameters for."""

    def __str__(self) -> str:
        return (
            f"the demo generator has no parameters for indicator {self.args[0]!r} — it knows "
            "the indicators of the shipped frameworks/liyang.yaml; use that framework for the "
            "demo, or add a Gen line to qcity/data/demo_specs.py"
        )


def forward(kind: str, v: np.ndarray) -> np.ndarray:
    """The transformed scale: log(v), logit(v/100) or v itself."""
    v = np.asarray(v, dtype=float)
    if kind == "log":
        return np.log(v)
    if kind == "logit":
        p = v / 100.0
        return np.log(p / (1.0 - p))
    return v


def inverse(kind: str, y: np.ndarray) -> np.ndarray:
    """Back from the transformed scale: exp(y), 100/(1+exp(-y)) or y."""
    if kind == "log":
        return np.exp(y)
    if kind == "logit":
        return 100.0 / (1.0 + np.exp(-y))
    return y


def liyang_path(spec: Gen, years: np.ndarray) -> np.ndarray:
    """Liyang's path L(t) on the transformed scale, from anchors or base + trend."""
    if not spec.anchors:
        return forward(spec.kind, np.array(spec.base)) + spec.trend * (years - BASE_YEAR)
    ay = np.array([a[0] for a in spec.anchors], dtype=float)
    av = forward(spec.kind, np.array([a[1] for a in spec.anchors]))
    path = np.interp(years, ay, av)
    path = np.where(years < ay[0], av[0] + spec.trend * (years - ay[0]), path)
    return np.where(years > ay[-1], av[-1] + spec.trend * (years - ay[-1]), path)


def shock(spec: Gen, years: np.ndarray) -> np.ndarray:
    """The year effect S(t) named by the spec (zeros when none)."""
    profile = SHOCKS.get(spec.shock or "", {})
    return np.array([profile.get(int(t), 0.0) for t in years])


def ar1_noise(rng: np.random.Generator, n: int, years: int, sd: float) -> np.ndarray:
    """(n, years) AR(1) noise with coefficient ``AR_RHO`` and marginal sd ``sd``."""
    eps = rng.normal(0.0, sd * np.sqrt(1.0 - AR_RHO**2), size=(n, years))
    out = np.empty_like(eps)
    out[:, 0] = rng.normal(0.0, sd, size=n)
    for t in range(1, years):
        out[:, t] = AR_RHO * out[:, t - 1] + eps[:, t]
    return out


def gdp_paths(cities: Sequence[str], years: np.ndarray) -> np.ndarray:
    """(cities, years) GDP in 亿元 through each city's public whole-year GDP figures.

    Log-linear between figures; before the first and after the last at 6.5 % a year.
    Several figures for one year (final and preliminary) are averaged.
    """
    pf = public_figures()
    pf = pf[pf["indicator_zh"].isin(GDP_TEXTS) & (pf["unit"] == "亿元")]
    pf = pf[~pf["indicator_zh"].map(has_qualifier)]
    pf = pf.assign(unit_code=pf["city"].map(CITY_CODES)).dropna(subset=["unit_code"])
    known = pf.groupby(["unit_code", "year"])["value"].mean()
    out = np.empty((len(cities), len(years)))
    g = np.log1p(DEFAULT_GDP_GROWTH)
    for i, city in enumerate(cities):
        if city not in known.index.get_level_values(0):
            raise errors.Unknown(f"no public GDP figure for demo city {city!r}")
        pts = known.loc[city]
        ky = pts.index.to_numpy(dtype=float)
        kv = np.log(pts.to_numpy(dtype=float))
        path = np.interp(years, ky, kv)
        path = np.where(years < ky[0], kv[0] + g * (years - ky[0]), path)
        path = np.where(years > ky[-1], kv[-1] + g * (years - ky[-1]), path)
        out[i] = np.exp(path)
    return out


def gdp_per_capita(cities: Sequence[str], years: np.ndarray, gdp: np.ndarray) -> np.ndarray:
    """(cities, years) GDP per capita in 元: GDP (亿元) / approximate population (万人)."""
    pop0 = np.array([POPULATION_2020[c] for c in cities])[:, None]
    pop = pop0 * (1.0 + POPULATION_GROWTH) ** (years - 2020)[None, :]
    return gdp * 1e8 / (pop * 1e4)


def rng_for(seed: int, code: str) -> np.random.Generator:
    """The generator of one indicator: depends only on the seed and the code."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(code.encode())]))


class CityPanel:
    """The cities' GDP and GDP per capita paths, shared by all indicators."""

    def __init__(self, cities: Sequence[str], years: np.ndarray) -> None:
        if LIYANG not in cities:
            raise errors.BadValue("the demo cities must include 'liyang'")
        self.cities = list(cities)
        self.years = years
        self.gdp = gdp_paths(self.cities, years)
        self.gdppc = gdp_per_capita(self.cities, years, self.gdp)
        ly = self.cities.index(LIYANG)
        self.rel_wealth = np.log(self.gdppc / self.gdppc[ly]).mean(axis=1)
        self.rel_size = np.log(self.gdp / self.gdp[ly]).mean(axis=1)
        self.liyang = ly

    def scale(self, spec: Gen) -> np.ndarray:
        """(cities, years) multiplier of the spec: GDP per capita, GDP or ones."""
        if spec.scale == "gdppc":
            return self.gdppc
        if spec.scale == "gdp":
            return self.gdp
        return np.ones_like(self.gdp)


def city_values(
    spec: Gen,
    panel: CityPanel,
    public: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(cities, years) generated values of one indicator and Liyang's transformed path.

    ``public`` holds this indicator's matched public figures (unit, period, value); they
    calibrate the city effects (the values themselves are set later by the caller).
    """
    years = panel.years
    n = len(panel.cities)
    base = liyang_path(spec, years) + shock(spec, years)
    scale = panel.scale(spec)
    effect = (
        spec.peer_shift
        + spec.wealth * panel.rel_wealth
        + spec.size * panel.rel_size
        + rng.normal(0.0, spec.city_sd, size=n)
    )
    effect[panel.liyang] = 0.0
    if not public.empty:
        ci = pd.Index(panel.cities).get_indexer(pd.Index(public["unit"]))
        ti = pd.Index(years).get_indexer(pd.Index(public["period"].astype(int)))
        gap = forward(spec.kind, public["value"].to_numpy() / scale[ci, ti]) - base[ti]
        calibrated = pd.Series(gap).groupby(ci).mean()
        effect[calibrated.index.to_numpy()] = calibrated.to_numpy()
    y = base[None, :] + effect[:, None] + ar1_noise(rng, n, len(years), spec.noise_sd)
    return inverse(spec.kind, y) * scale, y[panel.liyang]


def town_values(
    spec: Gen,
    liyang_y: np.ndarray,
    towns: Sequence[str],
    rng: np.random.Generator,
) -> np.ndarray:
    """(towns, years) values spread around Liyang's transformed values ``liyang_y``."""
    n, years = len(towns), len(liyang_y)
    offset = np.zeros(n)
    if spec.additive:
        offset = np.log(np.array([TOWN_WEIGHTS[t] for t in towns]))
    effect = offset + rng.normal(0.0, spec.town_sd, size=n)
    y = liyang_y[None, :] + effect[:, None] + ar1_noise(rng, n, years, spec.noise_sd)
    return inverse(spec.kind, y)


def finish(
    values: np.ndarray, spec: Gen, plausible: tuple[float | None, float | None] | None
) -> np.ndarray:
    """Apply ``monotone``, clip to the plausible range and round to the spec's decimals."""
    if spec.monotone:
        values = np.maximum.accumulate(values, axis=1)
    if plausible is not None:
        lo = -np.inf if plausible[0] is None else plausible[0]
        hi = np.inf if plausible[1] is None else plausible[1]
        values = np.clip(values, lo, hi)
    return np.round(values, spec.decimals)


def spec_for(code: str) -> Gen:
    """The generator parameters of indicator ``code``; DemoSpecError when unknown."""
    try:
        return SPECS[code]
    except KeyError:
        raise DemoSpecError(code) from None
