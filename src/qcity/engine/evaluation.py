"""The evaluation object: framework + data + step log -> datasets, scores, ranks, audit.

Like COINr's "coin": it keeps a dataset per step and the log of steps with their
methods and parameters; ``regen()`` re-runs the log, ``with_step()`` swaps one step, and
every result carries a stamp (qcity version, framework version, data vintage, hashes).

    >>> ev = Evaluation(framework, data).run()
    >>> ev.scores().head()
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qcity import __version__, errors
from qcity.engine import outputs
from qcity.engine.fast import FastPath
from qcity.engine.panel import Panel
from qcity.engine.pipeline import Results, run_pipeline
from qcity.engine.scale import scale_stamp
from qcity.engine.steps import Step, default_steps, replace_step
from qcity.framework.model import Framework, MethodSpec
from qcity.methods.errors import Diagnostic
from qcity.methods.registry import load_methods

DATASETS = ("raw", "denominated", "screened", "imputed", "treated", "normalised")


class Evaluation:
    """One evaluation of ``framework`` over ``data``.

    ``data``: a long table (unit, indicator, period, value; denominator series as extra
    indicator codes) or a ``Panel``. ``units``: a table with a ``code`` column and unit
    attributes (groups used by imputation). ``vintage``: the as-of time of the data (the
    store's newest revision used). ``steps``: the log; by default the framework's.
    ``edited_log``: the steps come from a log changed by hand (replayed with
    ``--allow-edited-log``); the stamp then records ``edited_log: true``.
    """

    def __init__(
        self,
        framework: Framework,
        data: pd.DataFrame | Panel,
        units: pd.DataFrame | None = None,
        steps: Sequence[Step] | None = None,
        vintage: datetime | str | None = None,
        source: str = "data",
        edited_log: bool = False,
    ) -> None:
        load_methods()
        self.framework = framework
        self.data = data if isinstance(data, Panel) else Panel.from_long(data, source=source)
        self.units = units
        self.log: list[Step] = list(steps) if steps is not None else default_steps(framework)
        self.vintage = vintage.isoformat() if isinstance(vintage, datetime) else vintage
        self.edited_log = edited_log
        self._results: Results | None = None
        self._scores: pd.DataFrame | None = None
        self._stamp: dict[str, Any] | None = None

    # -- running ---------------------------------------------------------------------
    def run(self) -> Evaluation:
        """Run every step of the log; returns ``self`` for chaining."""
        stamp = self._make_stamp()
        self._results = run_pipeline(self.framework, self.data, self.units, self.log)
        norm = next((s for s in self.log if s.name == "normalise"), None)
        frozen = scale_stamp(
            norm.params.get("reference") if norm else None, self._results.goalposts
        )
        if frozen is not None:  # what fixed the scale, so the run can be checked and replayed
            stamp["scale"] = frozen
        self._stamp = stamp
        self._scores = None
        return self

    def regen(self) -> Evaluation:
        """A new evaluation that re-runs this one's log on the same inputs."""
        return Evaluation(
            self.framework,
            self.data,
            self.units,
            steps=self.log,
            vintage=self.vintage,
            edited_log=self.edited_log,
        ).run()

    def with_step(
        self, name: str, method: str | None = None, params: dict[str, Any] | None = None
    ) -> Evaluation:
        """A new, run evaluation with step ``name`` replaced (method and/or parameters).

        ``params`` replace the step's parameters entirely; omit ``method`` to keep it.
        """
        old = next((s for s in self.log if s.name == name), None)
        if old is None:
            raise errors.BadValue(
                f"the log has no {name!r} step; steps: {[s.name for s in self.log]}"
            )
        new = Step(name, method or old.method, dict(params) if params is not None else old.params)
        steps = replace_step(self.log, new)
        return Evaluation(
            self.framework, self.data, self.units, steps=steps, vintage=self.vintage
        ).run()

    @property
    def results(self) -> Results:
        """The arrays of the last run (runs first if needed)."""
        if self._results is None:
            self.run()
        assert self._results is not None
        return self._results

    # -- fast path -------------------------------------------------------------------
    def fast_path(self, aggregators: dict[str, MethodSpec] | None = None) -> FastPath:
        """This run ready to be re-aggregated with many weight sets at once
        (``qcity.engine.fast``); ``aggregators`` overrides the mean at given nodes."""
        return FastPath.from_results(
            self.results, self.framework, self.log, aggregators=aggregators
        )

    def reaggregate(self, weights: Any, node: str | None = None) -> pd.DataFrame:
        """Scores and ranks of ``node`` (default the index) for many weight sets, without
        re-running the steps before aggregation: ``sample, period, unit, score, rank``.

        ``weights``: a DataFrame with one row per weight set and one column per code to
        reweight (the others keep the run's weights), a mapping code -> weights, or an
        ``(S, C)`` array over ``fast_path().codes``. The same scores as re-running with
        those weights (``with_step("weight", "manual", {"nominal": {...}})``).
        """
        fp = self.fast_path()
        w = fp.weight_array(weights)
        scores = fp.scores(w, node)
        ranks = outputs.rank_desc(scores)
        S, T, N = scores.shape
        return pd.DataFrame(
            {
                "sample": np.repeat(np.arange(S), T * N),
                "period": np.tile(np.repeat(np.array(fp.periods, dtype=object), N), S),
                "unit": np.tile(np.array(fp.units, dtype=object), S * T),
                "score": scores.reshape(-1),
                "rank": pd.array(ranks.reshape(-1), dtype="Float64").astype("Int64"),
            }
        )

    # -- audit -----------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """The whole configuration: framework and step log, as plain data."""
        return {
            "framework": self.framework.model_dump(mode="json"),
            "steps": [s.to_dict() for s in self.log],
        }

    def config_hash(self) -> str:
        """SHA-256 of the canonical JSON of ``config()``."""
        text = json.dumps(self.config(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def data_hash(self) -> str:
        """SHA-256 of the input panel (labels and values)."""
        h = hashlib.sha256()
        for labels in (self.data.periods, self.data.units, self.data.codes):
            h.update("\x1f".join(labels).encode("utf-8") + b"\x1e")
        h.update(np.ascontiguousarray(self.data.values).tobytes())
        return h.hexdigest()

    @property
    def stamp(self) -> dict[str, Any]:
        """What produced these results: versions, data vintage and hashes — fixed when the
        run was made (runs first if needed), so later changes to the objects it was made
        from cannot change it."""
        if self._stamp is None:
            self.run()
        assert self._stamp is not None
        return dict(self._stamp)

    def _make_stamp(self) -> dict[str, Any]:
        stamp: dict[str, Any] = {
            "qcity_version": __version__,
            "framework": self.framework.code,
            "framework_version": self.framework.version,
            "data_vintage": self.vintage,
            "data_sha256": self.data_hash(),
            "config_sha256": self.config_hash(),
        }
        if self.edited_log:  # only then, so that the stamps of ordinary runs are unchanged
            stamp["edited_log"] = True
        return stamp

    def log_frame(self) -> pd.DataFrame:
        """The step log as a table (step, method, params)."""
        return pd.DataFrame(
            [
                {"step": s.name, "method": s.method, "params": json.dumps(s.params, default=str)}
                for s in self.log
            ]
        )

    # -- results ---------------------------------------------------------------------
    def dataset(self, name: str) -> pd.DataFrame:
        """A step's data as a wide table indexed by (period, unit)."""
        if name == "aggregated":
            return outputs.aggregated_wide(self.results, self.framework)
        if name not in self.results.datasets:
            raise errors.Unknown(f"no dataset {name!r}; available: {', '.join(self.datasets())}")
        return self.results.datasets[name].to_wide()

    def datasets(self) -> list[str]:
        """Names of the datasets this run produced, in pipeline order."""
        return [*[d for d in DATASETS if d in self.results.datasets], "aggregated"]

    def scores(self) -> pd.DataFrame:
        """``unit, period, node, score, rank`` for the index, every node and indicator
        (built once per run; a copy is returned)."""
        if self._scores is None:
            self._scores = outputs.scores_long(self.results, self.framework)
        return self._scores.copy()

    def flags(self) -> pd.DataFrame:
        """Imputed and treated cells: ``unit, period, indicator, imputed, treatment``."""
        return outputs.flags_long(self.results)

    def weights(self) -> pd.DataFrame:
        """Weights used at each node: ``node, child, nominal, weight``."""
        return outputs.weights_table(self.results)

    def goalposts(self) -> pd.DataFrame:
        """Goalposts of the indicators on a frozen scale (``scope: reference``):
        ``indicator, lo, hi, source`` (``given``, ``log`` or ``reference``), in the unit
        that reaches normalisation; empty when no indicator has one."""
        return self.results.goalposts.copy()

    def effective_weights(self) -> pd.DataFrame:
        """Each indicator's share of each composite: ``node, indicator, effective``."""
        return outputs.effective_weights(self.results)

    def contributions(self, node: str | None = None) -> pd.DataFrame:
        """Points each indicator contributes to ``node`` (default the index)."""
        return outputs.contributions(self.results, node or self.results.tree.root)

    def coupling(self, node: str | None = None) -> pd.DataFrame:
        """Coupling coordination (C, T, D, band) among the children of ``node``."""
        return outputs.coupling(self.results, node or self.results.tree.root)

    def obstacles(self, node: str | None = None) -> pd.DataFrame:
        """Obstacle degree of each indicator below ``node`` for each unit and period."""
        return outputs.obstacles(self.results, node or self.results.tree.root)

    @property
    def exclusions(self) -> pd.DataFrame:
        """Units, indicators and periods left out (screening, unit level, validity years),
        each with its period (empty: every period) and the reason."""
        return self.results.exclusions

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """This run's notes (severity, step, message, code): degenerate columns, levels,
        periods left out, scores that could not be computed and why."""
        return self.results.diagnostics

    @property
    def treatment(self) -> pd.DataFrame:
        """Per period and indicator: outlier statistics and what was done."""
        return self.results.treatment

    # -- files -----------------------------------------------------------------------
    def save(self, out_dir: str | Path) -> list[Path]:
        """Write scores.csv, normalised.csv, log.json and the audit tables to ``out_dir``."""
        return outputs.save(self, Path(out_dir))
