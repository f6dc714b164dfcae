"""The demo data set: Liyang, nine peer cities of southern Jiangsu and Liyang's 12 towns
and streets, 2015-2024, every indicator of the default ``liyang`` framework.

Values are of two kinds, and the ``status`` column says which:

- ``final`` / ``preliminary``: a public figure that matches the indicator, its unit and
  the year exactly (``qcity.demo.public_figures.MATCHES``), with its source;
- ``illustrative``: made up by a seeded generator calibrated to those figures
  (``qcity.demo.generator`` documents the model). ILLUSTRATIVE VALUES ARE NOT DATA
  and must never be presented as real.

``demo_units``, ``demo_groups`` and ``demo_observations`` are pure; ``build_demo`` loads
all of it, with the framework, into a ``Store``.

The demo never destroys what a database holds. Built again on the same database it adds
only what is missing (units and groups already there are left as they are; equal values
are not written again) and the CLI stores a new run; runs, the audit log, accounts and
groups stay. It refuses a database with values not entered by the demo (it would mix
illustrative values into real ones), and ``reset_database`` (``qcity demo --fresh``)
refuses to empty a database that holds anything qcity keeps (``held``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from alembic import command
from sqlalchemy import Table, func, inspect, make_url, select

from qcity import errors
from qcity.data import migrate
from qcity.data.schema import AuditEntry, EvaluationRun, ImportBatch, Observation, User
from qcity.data.store import Store
from qcity.demo.generator import (
    CityPanel,
    city_values,
    finish,
    rng_for,
    spec_for,
    town_values,
)
from qcity.demo.public_figures import OBSERVATION_COLUMNS, matched_figures
from qcity.demo.units import demo_groups, demo_units
from qcity.framework.io import load_framework
from qcity.framework.model import Framework, Indicator

__all__ = [
    "DEFAULT_SEED",
    "DEMO_USER",
    "DEMO_YEARS",
    "DemoError",
    "DemoSummary",
    "build_demo",
    "default_framework_path",
    "demo_groups",
    "demo_observations",
    "demo_summary",
    "demo_units",
    "held",
    "refuse_foreign_data",
    "reset_database",
]

DEFAULT_SEED = 20221030
DEMO_YEARS: tuple[int, ...] = tuple(range(2015, 2025))
#: ``entered_by`` of every demo import; a database with other imports is never wiped.
DEMO_USER = "qcity demo"
PUBLIC_STATUSES = ("final", "preliminary")


class DemoError(errors.ConflictError, RuntimeError):
    """The demo cannot be built as asked (e.g. it would wipe a database with real data)."""


def generator_source(seed: int) -> str:
    """The ``source`` text of every generated value."""
    return f"qcity demo generator (illustrative, seed {seed})"


def default_framework_path() -> Path:
    """The shipped default framework (``qcity/frameworks/liyang.yaml``, package data)."""
    from qcity.frameworks import builtin_path

    return builtin_path()


@dataclass(frozen=True)
class _Block:
    """Generated values of one indicator: ``values[i, t]`` for ``units[i]`` and year ``t``."""

    indicator: str
    units: list[str]
    values: np.ndarray


def _long(blocks: list[_Block], years: np.ndarray) -> pd.DataFrame:
    """Blocks as long rows unit, indicator, period, value (one DataFrame, built once)."""
    n_years = len(years)
    sizes = [len(b.units) * n_years for b in blocks]
    return pd.DataFrame(
        {
            "unit": np.concatenate([np.repeat(b.units, n_years) for b in blocks]),
            "indicator": np.repeat([b.indicator for b in blocks], sizes),
            "period": np.tile(years.astype(str), sum(len(b.units) for b in blocks)),
            "value": np.concatenate([b.values.reshape(-1) for b in blocks]),
        }
    )


def _generate(
    ind: Indicator,
    units: pd.DataFrame,
    panel: CityPanel,
    public: pd.DataFrame,
    seed: int,
) -> list[_Block]:
    """Generated values of one (non-ratio) indicator: the cities, then the sub-units of
    Liyang whose type is in the indicator's ``levels``."""
    spec = spec_for(ind.code)
    rng = rng_for(seed, ind.code)
    cv, liyang_y = city_values(spec, panel, public, rng)
    blocks = [_Block(ind.code, panel.cities, finish(cv, spec, ind.plausible_range))]
    subs = units.loc[units["type"].isin(ind.levels) & (units["type"] != "city"), "code"].tolist()
    if subs:
        tv = town_values(spec, liyang_y, subs, rng)
        blocks.append(_Block(ind.code, subs, finish(tv, spec, ind.plausible_range)))
    return blocks


def _overlay(generated: pd.DataFrame, public: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Generated rows (status illustrative) with matched public figures put in their place."""
    out = generated.assign(status="illustrative", source=generator_source(seed))
    key = ["unit", "indicator", "period"]
    pub = public.assign(period=public["period"].astype(str)).set_index(key)
    out = out.set_index(key)
    hit = out.index.intersection(pub.index)
    out.loc[hit, ["value", "status", "source"]] = pub.loc[hit, ["value", "status", "source"]]
    return out.reset_index()


def _ratio(ind: Indicator, values: pd.DataFrame, unit_types: pd.Series, seed: int) -> pd.DataFrame:
    """Rows of a ``ratio`` indicator from the final values of its two parts, for the
    units of a type in the indicator's ``levels`` that have both parts."""
    spec = spec_for(ind.code)
    if spec.ratio_of is None:
        raise ValueError(f"demo spec of {ind.code} is a ratio without ratio_of parts")
    num, den = spec.ratio_of
    key = ["unit", "period"]
    a = values[values["indicator"] == num].set_index(key)["value"]
    b = values[values["indicator"] == den].set_index(key)["value"]
    r = (a / b).dropna()
    r = r[unit_types.reindex(r.index.get_level_values(0)).isin(ind.levels).to_numpy()]
    vals = finish(r.to_numpy()[None, :], spec, ind.plausible_range)[0]
    out = pd.DataFrame(
        {
            "unit": r.index.get_level_values(0),
            "indicator": ind.code,
            "period": r.index.get_level_values(1),
            "value": vals,
        }
    )
    return out.assign(status="illustrative", source=generator_source(seed))


def demo_observations(framework: Framework, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Observations 2015-2024 for every indicator of ``framework``: every city, and
    Liyang's towns/streets where the indicator's ``levels`` include their type.

    Columns ``unit, indicator, period, value, status, source``; period labels as in the
    store (``"2015"``). Deterministic for a given ``seed``.
    """
    units = demo_units()
    cities = units.loc[units["type"] == "city", "code"].tolist()
    years = np.array(DEMO_YEARS)
    panel = CityPanel(cities, years)
    indicators = framework.indicators()
    public = matched_figures([i.code for i in indicators], DEMO_YEARS)
    plain = [i for i in indicators if spec_for(i.code).kind != "ratio"]
    ratios = [i for i in indicators if spec_for(i.code).kind == "ratio"]
    by_indicator = dict(iter(public.groupby("indicator")))
    empty = public.iloc[:0]
    blocks = [
        b for i in plain for b in _generate(i, units, panel, by_indicator.get(i.code, empty), seed)
    ]
    values = _overlay(_long(blocks, years), public, seed)
    unit_types = units.set_index("code")["type"]
    ratio_rows = [_ratio(i, values, unit_types, seed) for i in ratios]
    out = pd.concat([values, *ratio_rows], ignore_index=True)
    city_of = {c: k for k, c in enumerate(units["code"])}
    order = {i.code: k for k, i in enumerate(indicators)}
    out = out.assign(_i=out["indicator"].map(order), _u=out["unit"].map(city_of))
    out = out.sort_values(["_i", "_u", "period"]).drop(columns=["_i", "_u"])
    return out.reset_index(drop=True)[OBSERVATION_COLUMNS]


@dataclass(frozen=True)
class DemoSummary:
    """What ``build_demo`` loaded."""

    url: str
    seed: int
    framework: str
    units: int
    groups: int
    observations: int
    by_status: dict[str, int] = field(default_factory=dict)
    batch_id: int | None = None


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def held(url: str) -> dict[str, int]:
    """What the database at ``url`` holds that qcity keeps: ``audit_entries``, ``runs``,
    ``published_runs``, ``users``, and ``foreign_values`` / ``foreign_imports`` (values and
    imports not made by the demo). Tables not there yet count 0."""
    runs, obs, batches = _table(EvaluationRun), _table(Observation), _table(ImportBatch)
    queries = {
        "audit_entries": select(func.count()).select_from(_table(AuditEntry)),
        "runs": select(func.count()).select_from(runs),
        "published_runs": select(func.count())
        .select_from(runs)
        .where(runs.c.status == "published"),
        "users": select(func.count()).select_from(_table(User)),
        "foreign_values": select(func.count())
        .select_from(obs)
        .where(obs.c.entered_by != DEMO_USER),
        "foreign_imports": select(func.count())
        .select_from(batches)
        .where(batches.c.entered_by != DEMO_USER),
    }
    tables_of = {
        "audit_entries": "audit_log",
        "runs": "runs",
        "published_runs": "runs",
        "users": "users",
        "foreign_values": "observations",
        "foreign_imports": "import_batches",
    }
    store = Store(url)
    try:
        present = set(inspect(store.engine).get_table_names())
        with store.engine.connect() as conn:
            return {
                k: int(conn.execute(q).scalar_one()) if tables_of[k] in present else 0
                for k, q in queries.items()
            }
    finally:
        store.close()


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def refuse_foreign_data(url: str, counts: dict[str, int] | None = None) -> None:
    """DemoError when the database holds values or imports not made by the demo: the demo
    never mixes its illustrative values into real ones."""
    counts = held(url) if counts is None else counts
    if counts["foreign_values"] or counts["foreign_imports"]:
        raise DemoError(
            f"database {_shown(url)} holds data not made by the demo "
            f"({counts['foreign_values']} value(s), {counts['foreign_imports']} import(s)); "
            "the demo adds nothing to it and changes nothing — give the demo its own "
            "database with --db sqlite:///var/demo.sqlite / 数据库含有非示例数据，示例不会写入"
        )


def reset_database(url: str) -> None:
    """Empty the database at ``url`` for a fresh demo: delete a SQLite file, else migrate
    down to an empty schema. Refuses (DemoError, nothing changed) when it holds data not
    entered by the demo, or anything qcity never deletes: runs, audit-log entries, user
    accounts (a database the demo itself built has its audit log: it is never emptied)."""
    counts = held(url)
    refuse_foreign_data(url, counts)
    kept = {k: counts[k] for k in ("runs", "audit_entries", "users") if counts[k]}
    if kept:
        listed = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kept.items())
        raise DemoError(
            f"database {_shown(url)} holds {listed} ({counts['published_runs']} run(s) "
            "published), which qcity never deletes; refusing --fresh. Run `qcity demo` "
            "without --fresh to keep them and add a new demo run, or give the demo a new "
            "database with --db sqlite:///var/demo-new.sqlite / 数据库中的评价结果、审计日志和"
            "账户不会被删除"
        )
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
        return
    store = Store(url)
    try:
        cfg = migrate.alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")  # the migrations' own downgrade: drops every table
    finally:
        store.close()


def build_demo(
    store: Store, framework_path: str | Path | None = None, seed: int = DEFAULT_SEED
) -> DemoSummary:
    """Load the demo into ``store`` (schema upgraded first): units, the peer group, the
    framework (its YAML text verbatim) and the observations, in that order. Units and
    groups already stored are left as they are (someone may have edited them); values
    equal to the stored ones are not written again."""
    path = Path(framework_path) if framework_path is not None else default_framework_path()
    framework = load_framework(path)
    store.upgrade()
    units = demo_units()
    new_units = units[~units["code"].isin(store.units()["code"])]
    if len(new_units):
        store.add_units(new_units, entered_by=DEMO_USER)
    groups = demo_groups()
    stored_groups = set(store.groups()["group"])
    for g in groups:
        if g.code not in stored_groups:
            store.add_group(g.code, g.name_zh, g.name_en, g.members, kind=g.kind)
    store.save_framework(framework, path.read_text(encoding="utf-8"))
    obs = demo_observations(framework, seed)
    result = store.add_observations(
        obs, entered_by=DEMO_USER, file_name=f"qcity demo (seed {seed})", framework=framework
    )
    return DemoSummary(
        url=store.url,
        seed=seed,
        framework=f"{framework.code} {framework.version}",
        units=len(units),
        groups=len(groups),
        observations=len(obs),
        by_status={str(k): int(v) for k, v in obs["status"].value_counts().items()},
        batch_id=result.batch_id,
    )


def demo_summary(store: Store) -> dict[str, Any]:
    """Facts about the data in ``store`` for the demo's printout: units by type,
    indicators, years, observations by status, and the share that is illustrative."""
    units = store.units()
    obs = store.observations()
    by_status = {str(k): int(v) for k, v in obs["status"].value_counts().sort_index().items()}
    n = len(obs)
    illustrative = by_status.get("illustrative", 0)
    public = sum(by_status.get(s, 0) for s in PUBLIC_STATUSES)
    years = sorted({str(p)[:4] for p in obs["period"]})
    frameworks = store.frameworks()
    return {
        "database": repr(store),
        "frameworks": [f"{r.code} {r.version}" for r in frameworks.itertuples()],
        "units_by_type": {str(k): int(v) for k, v in units["type"].value_counts().items()},
        "groups": sorted(store.groups()["group"].unique().tolist()),
        "indicators": int(obs["indicator"].nunique()),
        "years": (years[0], years[-1]) if years else None,
        "observations": n,
        "by_status": by_status,
        "public": public,
        "illustrative": illustrative,
        "illustrative_share": illustrative / n if n else 0.0,
        "public_sources": int(obs.loc[obs["status"].isin(PUBLIC_STATUSES), "source"].nunique()),
    }
