"""The illustrative demo database (示例数据): the use case behind ``qcity demo``.

``run_demo`` builds (or adds to) the demo database and evaluates its peer group 苏南 the
way ``qcity evaluate`` does (``evaluate_and_keep``: results folder and stored run, all or
nothing). The demo never mixes its illustrative values into real ones, and never deletes
what qcity keeps (runs, the audit log, accounts).

The demo and the engine are imported when ``run_demo`` runs (``qcity --help`` stays light)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qcity.service.evaluate_run import EvaluationRun

#: The results folder of the demo's evaluation when none is given.
DEMO_RESULTS = Path("var/results/demo")

#: The peer group the demo evaluates.
DEMO_GROUP = "sunan"


@dataclass(frozen=True)
class DemoOutcome:
    """What ``run_demo`` did: the database (``url``, and ``shown`` without its password),
    the generator ``seed``, whether it started ``fresh``, what the database held before
    (``kept``: ``runs``, ``published_runs``, ``audit_entries``, ``users`` ...), what it
    holds now (``summary``: the facts of ``qcity.demo.build.demo_summary``), and the
    evaluation of the peer group (``run``), or why it failed (``failure``: the database is
    built all the same)."""

    url: str
    shown: str
    seed: int
    fresh: bool
    kept: dict[str, int]
    summary: dict[str, Any]
    run: EvaluationRun | None
    failure: str | None = None

    @property
    def kept_anything(self) -> bool:
        """True when the demo added to a database holding runs, an audit log or
        accounts (which it keeps)."""
        return not self.fresh and any(self.kept.get(k) for k in ("runs", "audit_entries", "users"))


def run_demo(
    *,
    db: str | None,
    by: str,
    seed: int | None = None,
    fresh: bool = False,
    framework: Path | None = None,
    out: Path = DEMO_RESULTS,
    run_file: Path | None = None,
    status: Callable[[str], object] | None = None,
) -> DemoOutcome:
    """Build the demo into the database at ``db`` and evaluate its peer group.

    The database keeps what it holds (runs, the audit log, accounts, groups, values) and
    the demo adds to it; a database holding values the demo did not enter is refused
    (``DemoError``, a ``ConflictError``; nothing changed). With ``fresh`` it is emptied
    first, refused when it holds anything qcity never deletes. Then the peer group is
    evaluated with ``framework`` (default the shipped one) and stored as a new run made
    ``by``; its results folder goes to ``out`` (with the workbook) and the run's id to
    ``run_file`` when given. An evaluation that fails leaves the built database and
    returns its reason in ``failure``. ``seed`` defaults to the demo's documented seed;
    ``status`` is told each stage, for a progress display."""
    from qcity.demo.build import (
        DEFAULT_SEED,
        build_demo,
        default_framework_path,
        demo_summary,
        held,
        refuse_foreign_data,
        reset_database,
    )
    from qcity.framework.io import load_framework
    from qcity.service.evaluate_run import evaluate_and_keep
    from qcity.service.inputs import from_store
    from qcity.service.store import Store, display_url, resolve_url

    seed = DEFAULT_SEED if seed is None else seed
    url = resolve_url(db)
    path = framework or default_framework_path()
    say = status or (lambda _text: None)
    say("生成示例数据库 / building the demo database")
    kept = held(url)
    if fresh:
        reset_database(url)
    else:
        refuse_foreign_data(url, kept)
    with Store(url) as store:
        build_demo(store, path, seed)
        summary = demo_summary(store)
    shown = display_url(url)
    try:
        fw = load_framework(path)
        say("评价苏南十市 / evaluating the 苏南 peer group")
        inp = from_store(url, None).restrict(group=DEMO_GROUP)
        run = evaluate_and_keep(
            fw,
            inp,
            framework_text=Path(path).read_text(encoding="utf-8"),
            out=out,
            by=by,
            workbook=True,
        )
    except ValueError as exc:  # EvaluationError, InputError: the data, not the build
        failure = f"the demo database is built, but evaluating it failed: {exc}"
        return DemoOutcome(url, shown, seed, fresh, kept, summary, None, failure)
    if run_file is not None and run.run_id is not None:
        run_file.parent.mkdir(parents=True, exist_ok=True)
        run_file.write_text(f"{run.run_id}\n", encoding="utf-8")
    return DemoOutcome(url, shown, seed, fresh, kept, summary, run)
