"""What the dashboard shows, loaded once and kept: the framework in force, the store's
inputs and their evaluations — the peer group and the focus city's towns and streets.

Everything is read through ``qcity.service`` (inputs, evaluation, runs). A successful
upload calls ``Dashboard.invalidate`` so that the next request evaluates the new data.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from qcity import errors
from qcity.data.engine import display_url, resolve_url
from qcity.data.store import Store
from qcity.engine.errors import EvaluationError
from qcity.framework.model import Framework
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.inputs import EvaluationInput, InputError, describe_selection, from_store

PEERS = "peers"
TOWNS = "towns"
SCOPES = (PEERS, TOWNS)


class NotFound(errors.NotFound, LookupError):
    """A page or resource that does not exist (unknown code, scope without data)."""


@dataclass
class Scope:
    """One evaluation the dashboard shows: its result, the focus unit and unit names."""

    key: str
    result: EvaluationResult
    focus: str
    group: str | None
    group_name: dict[str, str]
    names: dict[str, dict[str, str]]
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def framework(self) -> Framework:
        """The framework evaluated."""
        return self.result.framework

    @property
    def units(self) -> list[str]:
        """The units evaluated, as in the data."""
        return list(self.result.inputs.selection.get("units") or [])

    @property
    def periods(self) -> list[str]:
        """The periods with scores, oldest first."""
        scores = self.result.evaluation.scores()
        return sorted(scores["period"].astype(str).unique())

    def highlight(self, code: str) -> bool:
        """Whether tables mark ``code`` as the unit the dashboard is about (the focus city
        among its peers; no town or street is singled out among the others)."""
        return self.key == PEERS and code == self.focus

    def name(self, code: str, lang: str) -> str:
        """The unit's name in ``lang`` (its code when the units table has none)."""
        return self.names.get(lang, {}).get(code) or self.names.get("zh", {}).get(code) or code


def _names(units: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    """Unit code -> name, per language, from the units table."""
    out: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
    if units is None:
        return out
    for lang in ("zh", "en"):
        col = f"name_{lang}"
        if col in units.columns:
            pairs = units[["code", col]].dropna()
            out[lang] = dict(zip(pairs["code"].astype(str), pairs[col].astype(str), strict=True))
    return out


def framework_in_force(url: str) -> tuple[Framework, str]:
    """The framework of the newest stored run (as stored with it), else the shipped
    default; with the YAML text."""
    from qcity.data.store import Store
    from qcity.framework.io import load_framework, parse_framework
    from qcity.frameworks import builtin_path
    from qcity.service.runs import list_runs

    runs = list_runs(url)
    if not runs.empty:
        newest = runs.iloc[0]
        try:
            with Store(url, create=False) as store:
                text = store.framework_text(
                    str(newest["framework_code"]), str(newest["framework_version"])
                )
            return parse_framework(text, "stored framework"), text
        except KeyError:
            pass
    path = builtin_path()
    return load_framework(path), path.read_text(encoding="utf-8")


def _focus(inp: EvaluationInput, members: list[str]) -> str:
    """The unit the dashboard is about: among ``members``, the parent of most units
    (Liyang, parent of its towns), else the first member."""
    units = inp.units
    if units is not None and "parent_code" in units.columns:
        parents = units["parent_code"].dropna().astype(str)
        counts = parents[parents.isin(members)].value_counts()
        if not counts.empty:
            return str(counts.index[0])
    return members[0]


def _peer_group(inp: EvaluationInput) -> tuple[str | None, dict[str, str]]:
    """The group to compare with: the first peer group (kind ``peer``), else the first."""
    groups = inp.groups
    if groups is None or groups.empty:
        return None, {}
    kinds = groups.drop_duplicates("group")
    peer = kinds[kinds["kind"].astype(str) == "peer"] if "kind" in kinds else kinds
    row = (peer if not peer.empty else kinds).iloc[0]
    return str(row["group"]), {
        "zh": str(row.get("name_zh") or row["group"]),
        "en": str(row.get("name_en") or row["group"]),
    }


REFRESH_SECONDS = 2.0
"""How often the dashboard asks the store whether anything was written."""


def _marker(url: str) -> str | None:
    """The store's change marker; None when there is no usable store (yet)."""
    try:
        with Store(url, create=False) as store:
            return store.change_marker()
    except Exception:  # no file, no schema yet, server down: the pages say why on load
        return None


class Dashboard:
    """The database the dashboard serves and the evaluations made from it (cached until
    ``invalidate``). Thread-safe: the first request evaluates, the others wait."""

    def __init__(self, url: str | None = None, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.url = resolve_url(url)
        self._lock = threading.RLock()
        self._loaded: dict[str, Any] | None = None
        self.generation = 0
        self.refresh_seconds = refresh_seconds
        self._marker: str | None = None
        self._checked = 0.0

    def __repr__(self) -> str:
        return f"Dashboard({display_url(self.url)})"

    def invalidate(self) -> None:
        """Forget the evaluations (after new data were stored through the dashboard)."""
        with self._lock:
            self._loaded = None
            self.generation += 1
            self._marker = _marker(self.url)  # this change is now known: no second reload
            self._checked = time.monotonic()

    def refresh(self) -> None:
        """Forget the evaluations when the store changed since they were made — an import
        from the command line or another server — checked at most every
        ``refresh_seconds`` (``Store.change_marker``, a few small queries)."""
        now = time.monotonic()
        if now - self._checked < self.refresh_seconds:
            return
        with self._lock:
            self._checked = now
            marker = _marker(self.url)
            if marker != self._marker:
                self._marker = marker
                self._loaded = None
                self.generation += 1

    def _load(self) -> dict[str, Any]:
        self.refresh()
        with self._lock:
            if self._loaded is None:
                self._loaded = self._evaluate_all()
            return self._loaded

    def _evaluate_all(self) -> dict[str, Any]:
        fw, text = framework_in_force(self.url)
        loaded: dict[str, Any] = {
            "framework": fw,
            "framework_text": text,
            "scopes": {},
            "problems": [],
        }
        try:
            inp = from_store(self.url)
        except InputError:
            return loaded  # an empty store: only the pages that need no data
        names = _names(inp.units)
        group, group_name = _peer_group(inp)
        try:
            peers = inp.restrict(group=group) if group is not None else inp
            members = list(peers.selection["units"])
            focus = _focus(inp, members)
            result = evaluate(fw, peers, framework_text=text)
        except (EvaluationError, ValueError) as exc:
            # the pages say why there is nothing to show (mixed unit levels, no data ...)
            loaded["problems"].append(f"{group_name.get('zh', group or '')}: {exc}")
            return loaded
        loaded["scopes"][PEERS] = Scope(PEERS, result, focus, group, group_name, names)
        towns = _subunits(inp, focus)
        if towns is not None:
            label = {
                "zh": f"{names['zh'].get(focus, focus)}镇街",
                "en": f"{names['en'].get(focus, focus)}: towns and streets",
            }
            try:
                result = evaluate(fw, towns, framework_text=text)
            except (EvaluationError, ValueError) as exc:
                loaded["problems"].append(f"{label['zh']}: {exc}")
                return loaded
            first = towns.selection["units"][0]
            loaded["scopes"][TOWNS] = Scope(TOWNS, result, first, None, label, names)
        return loaded

    @property
    def framework(self) -> Framework:
        """The framework in force."""
        fw: Framework = self._load()["framework"]
        return fw

    @property
    def framework_text(self) -> str:
        """Its YAML text."""
        return str(self._load()["framework_text"])

    def problems(self) -> list[str]:
        """Why an evaluation could not be made (shown on the pages), if any."""
        return list(self._load()["problems"])

    def scopes(self) -> list[str]:
        """The scopes that have data (peers, towns)."""
        return list(self._load()["scopes"])

    def scope(self, key: str = PEERS) -> Scope:
        """The evaluation of scope ``key``; ``NotFound`` when it has no data."""
        scopes = self._load()["scopes"]
        if key not in scopes:
            known = ", ".join(scopes) or "none: the database holds no data"
            raise NotFound(f"no evaluation {key!r}; available: {known}")
        scope: Scope = scopes[key]
        return scope


def _subunits(inp: EvaluationInput, focus: str) -> EvaluationInput | None:
    """The focus unit's sub-units (towns and streets) as one evaluation, when the store
    holds data for at least two of them and they are of one level."""
    units = inp.units
    if units is None or "parent_code" not in units.columns or "type" not in units.columns:
        return None
    subs = units[units["parent_code"].astype(str) == focus]
    codes = set(subs["code"].astype(str))
    data = inp.data[inp.data["unit"].astype(str).isin(codes)]
    if data["unit"].nunique() < 2:
        return None
    types = sorted(set(subs["type"].astype(str)))
    selection = describe_selection(data, units, unit_type="+".join(types))
    return replace(inp, data=data, selection=selection)
