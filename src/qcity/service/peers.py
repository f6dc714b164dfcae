"""The one rule for the peer group a unit is compared with: the group the user chose,
else the framework's ``monitor.peer_group``, else (a framework that names none) the first
group of kind ``peer``, else the first group. The dashboard, ``qcity monitor`` and the
report take it from here, so they compare with the same units.

    peers = peer_group(fw, inp.groups)          # the framework's, e.g. sunan
    peers = peer_group(fw, inp.groups, chosen="xiannan")   # the user's choice
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a light module: the CLI imports it when it starts
    import pandas as pd

    from qcity.framework.model import Framework


@dataclass(frozen=True)
class PeerGroup:
    """A peer group: its ``code`` (None: no group, every unit is a peer) and its name in
    each language (``{"zh": ..., "en": ...}``)."""

    code: str | None
    names: dict[str, str] = field(default_factory=dict)


def default_peer_group(framework: Framework | None, *, chosen: str | None = None) -> str | None:
    """The peer group's code without looking at the stored groups: ``chosen``, else the
    framework's ``monitor.peer_group`` (None when it names none)."""
    if chosen is not None:
        return chosen
    monitor = framework.monitor if framework is not None else None
    return monitor.peer_group if monitor is not None else None


def peer_group(
    framework: Framework | None, groups: pd.DataFrame | None, *, chosen: str | None = None
) -> PeerGroup:
    """The peer group among the stored ``groups`` (columns ``group``, ``kind``,
    ``name_zh``, ``name_en``, ``unit_code``): ``chosen`` or the framework's
    ``monitor.peer_group`` when it is stored, else the first group of kind ``peer``, else
    the first group; ``PeerGroup(None)`` when no group is stored. A ``chosen`` group that is
    not stored is returned by its code (restricting to it names the known groups)."""
    wanted = default_peer_group(framework, chosen=chosen)
    if groups is None or groups.empty:
        return PeerGroup(wanted) if chosen is not None else PeerGroup(None)
    kinds = groups.drop_duplicates("group")
    codes = kinds["group"].astype(str)
    if wanted is not None and wanted in set(codes):
        row = kinds[codes == wanted].iloc[0]
    elif chosen is not None:
        return PeerGroup(chosen, {"zh": chosen, "en": chosen})
    else:
        peer = kinds[kinds["kind"].astype(str) == "peer"] if "kind" in kinds else kinds
        row = (peer if not peer.empty else kinds).iloc[0]
    code = str(row["group"])
    return PeerGroup(
        code,
        {"zh": str(row.get("name_zh") or code), "en": str(row.get("name_en") or code)},
    )
