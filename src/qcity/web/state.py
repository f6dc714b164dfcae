"""What the dashboard shows, loaded once and kept: the framework in force, the store's
inputs and their evaluations — the peer group and the focus city's towns and streets.

Everything is read through ``qcity.service`` (inputs, evaluation, runs). A successful
upload calls ``Dashboard.invalidate`` so that the next request evaluates the new data.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pandas as pd

from qcity import errors
from qcity.service.errors import explain
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.frameworks import Framework
from qcity.service.inputs import EvaluationInput, InputError, describe_selection, from_store
from qcity.service.peers import peer_group
from qcity.service.steps import EvaluationError
from qcity.service.store import Store, display_url, resolve_url

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
    from qcity.service.frameworks import builtin_path, load_framework, stored_framework
    from qcity.service.runs import list_runs

    runs = list_runs(db=url)
    if not runs.empty:
        newest = runs.iloc[0]
        try:
            stored = stored_framework(
                db=url,
                code=str(newest["framework_code"]),
                version=str(newest["framework_version"]),
            )
            return stored.framework, stored.text
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


NOTHING_PUBLISHED = (
    "no evaluation has been published yet: the public dashboard shows published results "
    "only / 尚未发布评价结果：公开页面只显示已发布的结果（qcity runs publish）"
)

REFRESH_SECONDS = 2.0
"""How often the dashboard asks the store whether anything was written."""


def _marker(url: str, published: bool = False) -> str | None:
    """The store's change marker (with ``published``, also the published run shown);
    None when there is no usable store (yet)."""
    try:
        with Store(url, create=False) as store:
            marker = store.change_marker()
        if published:
            run = newest_published(url)
            marker += f":{run['id'] if run else '-'}"
        return marker
    except Exception as exc:  # no file, no schema yet, server down: the pages say why on load
        explain(exc)  # (a bug is logged with its id)
        return None


def newest_published(url: str) -> dict[str, Any] | None:
    """The newest published evaluation run's facts (id, published_at, framework, data
    vintage, as_of), or None when nothing is published yet."""
    from qcity.service.runs import list_runs

    runs = list_runs(db=url, published_only=True)
    if runs.empty:
        return None
    row = runs.iloc[0]  # newest first
    return {str(k): (None if pd.isna(v) else v) for k, v in row.to_dict().items()}


def published_inputs(url: str, run: dict[str, Any]) -> tuple[Framework, str, EvaluationInput]:
    """What the published ``run`` evaluated, read again: its framework version as stored
    and the approved values as of its data vintage (later entries, approvals and
    revisions are not visible: the public sees the published numbers)."""
    from qcity.service.frameworks import stored_framework

    stored = stored_framework(
        db=url, code=str(run["framework_code"]), version=str(run["framework_version"])
    )
    return stored.framework, stored.text, from_store(url, as_of=run_as_of(run), values="approved")


def run_as_of(run: dict[str, Any]) -> datetime | None:
    """The moment whose approved values a stored run evaluated: its ``as_of``, else its
    data vintage, else when it was made."""
    when = run.get("as_of") or run.get("data_vintage") or run.get("created_at")
    return pd.Timestamp(when).to_pydatetime() if when is not None else None


class Dashboard:
    """The database the dashboard serves and the evaluations made from it (cached until
    ``invalidate``). Thread-safe: the first request evaluates, the others wait."""

    def __init__(
        self,
        url: str | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        *,
        published: bool = False,
    ) -> None:
        self.url = resolve_url(url)
        self._lock = threading.RLock()
        self._loaded: dict[str, Any] | None = None
        self.generation = 0
        self.refresh_seconds = refresh_seconds
        self._marker: str | None = None
        self._checked = 0.0
        #: True for what an anonymous visitor sees: only the newest published run
        self.published = published
        self._public: Dashboard | None = None

    def __repr__(self) -> str:
        return f"Dashboard({display_url(self.url)})"

    def public(self) -> Dashboard:
        """What an anonymous visitor sees: the newest published run, evaluated again from
        its framework version and the approved values as of its data vintage (never a
        draft, a submitted or a rejected value); nothing when no run is published."""
        if self.published:
            return self
        with self._lock:
            if self._public is None:
                self._public = Dashboard(self.url, self.refresh_seconds, published=True)
            return self._public

    def invalidate(self) -> None:
        """Forget the evaluations (after new data were stored through the dashboard)."""
        with self._lock:
            self._loaded = None
            self.generation += 1
            self._marker = _marker(self.url, self.published)  # known now: no second reload
            self._checked = time.monotonic()
            if self._public is not None:
                self._public.invalidate()

    def refresh(self) -> None:
        """Forget the evaluations when the store changed since they were made — an import
        from the command line or another server — checked at most every
        ``refresh_seconds`` (``Store.change_marker``, a few small queries)."""
        now = time.monotonic()
        if now - self._checked < self.refresh_seconds:
            return
        with self._lock:
            self._checked = now
            marker = _marker(self.url, self.published)
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
            "run": None,
        }
        try:
            if self.published:
                run = newest_published(self.url)
                if run is None:
                    return loaded  # nothing published: the pages say so
                fw, text, inp = published_inputs(self.url, run)
                loaded.update(framework=fw, framework_text=text, run=run)
            else:
                inp = from_store(self.url)
        except InputError:
            return loaded  # an empty store: only the pages that need no data
        names = _names(inp.units)
        peers_of = peer_group(fw, inp.groups)  # the framework's peer_group (service.peers)
        group, group_name = peers_of.code, peers_of.names
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

    def published_run(self) -> dict[str, Any] | None:
        """The published run shown (for the public view; None otherwise or when nothing
        is published)."""
        run: dict[str, Any] | None = self._load()["run"]
        return run

    def scope(self, key: str = PEERS) -> Scope:
        """The evaluation of scope ``key``; ``NotFound`` when it has no data."""
        loaded = self._load()
        scopes = loaded["scopes"]
        if self.published and loaded["run"] is None:
            raise NotFound(NOTHING_PUBLISHED)
        if key not in scopes:
            known = ", ".join(scopes) or "none: the database holds no data"
            raise NotFound(f"no evaluation {key!r}; available: {known}")
        scope: Scope = scopes[key]
        return scope


def dashboard_of(request: Any) -> Dashboard:
    """The dashboard a request sees: the public one (the newest published run) for an
    anonymous visitor, the store's approved values evaluated now for a logged-in user."""
    from qcity.web.access import page_actor

    d: Dashboard = request.app.state.dashboard
    return d.public() if page_actor(request).is_anonymous else d


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
