"""Analytic Hierarchy Process: weights and consistency of pairwise comparison matrices.

A judgement matrix ``A`` (n x n) holds ``a_ij`` = how much more important criterion i is
than criterion j on Saaty's 1-9 scale, with ``a_ji = 1 / a_ij``. The weights are its
principal (Perron) eigenvector normalised to sum 1; consistency is judged by
``CI = (lambda_max - n) / (n - 1)`` and ``CR = CI / RI(n)``, acceptable when CR < 0.1.

Sources: T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980; T. L. Saaty,
"The analytic hierarchy process - what it is and how it is used", *Mathematical Modelling*
9(3-5): 161-176, 1987; J. Aczél and T. L. Saaty, "Procedures for synthesizing ratio
judgements", *Journal of Mathematical Psychology* 27(1): 93-102, 1983; J. A. Alonso and
M. T. Lamata, "Consistency in the analytic hierarchy process: a new approach",
*Int. J. of Uncertainty, Fuzziness and Knowledge-Based Systems* 14(4): 445-459, 2006.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from qcity import errors

#: Saaty's mean random consistency index RI for n = 1..10 (Saaty 1980; Saaty 1987).
#: Published tables disagree beyond n = 10, so larger matrices need another table.
RI_SAATY: tuple[float, ...] = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)

#: Alonso & Lamata (2006) RI for n = 1..15, from 100 000 random reciprocal matrices each.
RI_ALONSO_LAMATA: tuple[float, ...] = (
    0.0,
    0.0,
    0.5245,
    0.8815,
    1.1086,
    1.2479,
    1.3417,
    1.4056,
    1.4499,
    1.4854,
    1.5141,
    1.5365,
    1.5551,
    1.5713,
    1.5838,
)

RI_TABLES: dict[str, tuple[float, ...]] = {
    "saaty": RI_SAATY,
    "alonso_lamata": RI_ALONSO_LAMATA,
}

#: Relative tolerance for the reciprocity check ``a_ij * a_ji == 1``.
RECIPROCAL_RTOL = 1e-3

CR_THRESHOLD = 0.1


class PairwiseError(errors.InputError, ValueError):
    """A pairwise comparison matrix or file that cannot be used; the message says where."""


@dataclass(frozen=True)
class AHPResult:
    """Weights and consistency of one judgement matrix."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    ri: float
    n: int
    worst_pair: tuple[int, int] | None = None
    """(i, j) whose judgement deviates most from the ratio of the weights (None if n <= 2)."""


def parse_judgement(value: object) -> float:
    """One judgement as a float: a number, or a string like ``"3"``, ``"1/9"``, ``"0.5"``."""
    if isinstance(value, bool):
        raise PairwiseError(f"not a number: {value!r}")
    if isinstance(value, int | float | np.number):
        return float(value)
    text = str(value).strip().replace("／", "/").replace(" ", "")
    if not text:
        raise PairwiseError("empty cell")
    try:
        if re.fullmatch(r"[+-]?\d+(\.\d*)?/[+-]?\d+(\.\d*)?", text):
            num, den = text.split("/")
            return float(Fraction(num) / Fraction(den))
        return float(text)
    except (ValueError, ZeroDivisionError):
        raise PairwiseError(f"not a number or fraction such as 3 or 1/9: {value!r}") from None


def format_judgement(v: float) -> str:
    """A judgement as people write it: ``1/3`` for 0.333..., ``5`` for 5.0, else 4 digits."""
    if 0 < v < 1 and abs(1 / v - round(1 / v)) < 1e-6:
        return f"1/{round(1 / v)}"
    return f"{v:.4g}"


def as_matrix(matrix: Sequence[Sequence[object]] | np.ndarray) -> np.ndarray:
    """A validated float judgement matrix: square, positive, finite, reciprocal.

    Raises PairwiseError naming the offending cell (1-based row, column, value).
    """
    rows = [list(r) for r in matrix]
    n = len(rows)
    if n == 0:
        raise PairwiseError("the pairwise matrix is empty")
    for i, r in enumerate(rows):
        if len(r) != n:
            raise PairwiseError(
                f"the pairwise matrix must be square: row {i + 1} has {len(r)} cells, expected {n}"
            )
    a = np.empty((n, n))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            try:
                a[i, j] = parse_judgement(v)
            except ValueError as exc:
                raise PairwiseError(f"cell (row {i + 1}, column {j + 1}): {exc}") from None
    problem = first_problem(a, lambda i, j: f"cell (row {i + 1}, column {j + 1})")
    if problem is not None:
        raise PairwiseError(problem)
    return a


def first_problem(a: np.ndarray, loc: Callable[[int, int], str]) -> str | None:
    """What is wrong with the first invalid cell of a square float matrix, or None.

    ``loc(i, j)`` (0-based) names a cell in the caller's terms (matrix or file position).
    """
    bad = np.argwhere(~np.isfinite(a) | (a <= 0))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        return (
            f"{loc(i, j)} = {format_judgement(a[i, j])}: judgements must be positive numbers "
            "(use 1/3 rather than -3 or 0)"
        )
    diag = np.flatnonzero(~np.isclose(np.diag(a), 1.0))
    if diag.size:
        i = int(diag[0])
        return (
            f"{loc(i, i)} = {format_judgement(a[i, i])}: the diagonal must be 1 "
            "(a criterion against itself)"
        )
    off = np.argwhere(np.tril(~np.isclose(a * a.T, 1.0, rtol=RECIPROCAL_RTOL, atol=0.0), k=-1))
    if off.size:
        i, j = (int(v) for v in off[0])
        return (
            f"not reciprocal: {loc(i, j)} = {format_judgement(a[i, j])} but {loc(j, i)} = "
            f"{format_judgement(a[j, i])}; a_ji must be 1/a_ij = "
            f"{format_judgement(1.0 / a[j, i])} — fix one of the two cells"
        )
    return None


def random_index(n: int, ri_table: str | Sequence[float] = "saaty") -> float:
    """RI(n) from a named table ("saaty", "alonso_lamata") or a custom list indexed from n=1."""
    if isinstance(ri_table, str):
        try:
            table: Sequence[float] = RI_TABLES[ri_table]
        except KeyError:
            raise PairwiseError(
                f"unknown RI table {ri_table!r}; available: {', '.join(RI_TABLES)} "
                "or a list of numbers for n = 1, 2, ..."
            ) from None
        name = ri_table
    else:
        table = [float(v) for v in ri_table]
        name = "custom"
    if n > len(table):
        raise PairwiseError(
            f"the {name} RI table covers n <= {len(table)} but the matrix has n = {n}; "
            "use ri_table='alonso_lamata' (n <= 15) or give your own list"
        )
    return float(table[n - 1])


def principal_eigen(a: np.ndarray) -> tuple[float, np.ndarray]:
    """Perron root and its eigenvector normalised to sum 1 (numpy.linalg.eig)."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    vec = np.abs(vectors[:, k].real)
    return float(values[k].real), vec / vec.sum()


def ahp(
    matrix: Sequence[Sequence[object]] | np.ndarray,
    ri_table: str | Sequence[float] = "saaty",
) -> AHPResult:
    """Principal-eigenvector weights, lambda_max, CI, CR of a judgement matrix (Saaty 1980).

    ``CI = (lambda_max - n)/(n - 1)``, ``CR = CI / RI(n)``; consistent when CR < 0.1.
    For n <= 2 every reciprocal matrix is consistent and CI = CR = 0.
    """
    a = as_matrix(matrix)
    n = a.shape[0]
    lam, w = principal_eigen(a)
    if n <= 2:
        return AHPResult(w, float(n), 0.0, 0.0, True, 0.0, n, None)
    ri = random_index(n, ri_table)
    ci = max((lam - n) / (n - 1), 0.0)
    cr = ci / ri if ri > 0 else 0.0
    # Saaty's perturbation e_ij = a_ij w_j / w_i; the judgement furthest from 1 (in log)
    # is the one whose revision lowers lambda_max most.
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    i, j = np.unravel_index(int(np.argmax(np.triu(dev, k=1))), dev.shape)
    return AHPResult(w, lam, ci, cr, cr < CR_THRESHOLD, ri, n, (int(i), int(j)))


def combine_judgements(matrices: Sequence[Sequence[Sequence[object]] | np.ndarray]) -> np.ndarray:
    """Element-wise geometric mean of several experts' matrices (Aczél & Saaty 1983).

    The geometric mean keeps the result reciprocal, which the arithmetic mean does not.
    """
    if len(matrices) == 0:
        raise PairwiseError("no matrices to combine")
    arrays = []
    for k, m in enumerate(matrices):
        try:
            arrays.append(as_matrix(m))
        except PairwiseError as exc:
            raise PairwiseError(f"expert {k + 1}: {exc}") from None
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise PairwiseError(
            f"the experts' matrices differ in size: {sorted(s[0] for s in shapes)}; "
            "every expert must compare the same criteria"
        )
    return np.exp(np.mean(np.log(np.stack(arrays)), axis=0))
