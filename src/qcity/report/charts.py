"""The report's charts as PNG, drawn with matplotlib (Agg backend) in the Noto CJK font
so Chinese labels print; when no CJK font is installed the charts still draw (the
labels may show boxes) rather than fail."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import numpy as np

#: Colours: the unit, its peers, the peers' median.
UNIT, PEER, MEDIAN = "#1f4e79", "#b8c2cc", "#7f7f7f"


@lru_cache(maxsize=1)
def _font() -> str | None:
    """The family name of an installed CJK font (Noto Sans CJK SC preferred), else None."""
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei")
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in wanted:
        if name in names:
            return name
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",):
        try:
            font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
        except (OSError, RuntimeError):
            continue
    return None


def _figure(width: float = 6.4, height: float = 3.2) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    font = _font()
    rc: dict[str, Any] = {"font.size": 10, "axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    plt.rcParams.update(rc)  # type: ignore[arg-type]
    fig, ax = plt.subplots(figsize=(width, height), dpi=150)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def trend_chart(
    periods: list[str],
    unit_scores: list[float],
    median: list[float],
    unit_label: str,
    median_label: str,
    ylabel: str,
) -> bytes:
    """The unit's score over the years against the peers' median."""
    fig, ax = _figure()
    x = np.arange(len(periods))
    ax.plot(x, median, color=MEDIAN, linestyle="--", marker="o", markersize=3, label=median_label)
    ax.plot(x, unit_scores, color=UNIT, marker="o", markersize=4, linewidth=2, label=unit_label)
    ax.set_xticks(x, periods)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, loc="best")
    return _png(fig)


def bar_chart(labels: list[str], values: list[float], highlight: int | None, ylabel: str) -> bytes:
    """Scores of several units (the unit highlighted), highest first as given."""
    fig, ax = _figure(6.4, 3.4)
    colours = [UNIT if i == highlight else PEER for i in range(len(labels))]
    x = np.arange(len(labels))
    ax.bar(x, values, color=colours)
    for xi, v in zip(x, values, strict=True):
        ax.annotate(f"{v:.1f}", (xi, v), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(
        x,
        labels,
        rotation=30 if len(labels) > 6 else 0,
        ha="right" if len(labels) > 6 else "center",
    )
    ax.set_ylabel(ylabel)
    return _png(fig)


def band_chart(
    labels: list[str],
    nominal: list[float],
    low: list[float],
    high: list[float],
    highlight: int | None,
    xlabel: str,
) -> bytes:
    """Each unit's nominal rank with its 5-95% rank band."""
    fig, ax = _figure(6.4, 0.35 * len(labels) + 1.0)
    y = np.arange(len(labels))
    for i in range(len(labels)):
        colour = UNIT if i == highlight else PEER
        ax.plot([low[i], high[i]], [y[i], y[i]], color=colour, linewidth=5, alpha=0.6)
        ax.plot([nominal[i]], [y[i]], "o", color=colour)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    return _png(fig)
