"""The peer group is chosen once (``qcity.service.peers``): the user's choice, else the
framework's ``monitor.peer_group``, else the first group of kind ``peer`` — never the
first group in alphabetical order when the framework names one (issue 20: the dashboard
compared Liyang with a 3-member example group)."""

from __future__ import annotations

import pandas as pd

from qcity.framework.io import load_framework
from qcity.frameworks import framework_path
from qcity.service.peers import PeerGroup, default_peer_group, peer_group

FW = load_framework(framework_path("liyang"))
NAMED = FW.monitor.peer_group if FW.monitor is not None else None


def _groups(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"group": g, "kind": k, "name_zh": f"{g}组", "name_en": f"{g} group", "unit_code": u}
            for g, k in rows
            for u in ("liyang", "jintan")
        ]
    )


def test_the_shipped_framework_names_its_peer_group() -> None:
    assert NAMED == "sunan"


def test_the_framework_s_group_wins_over_the_first_in_order() -> None:
    groups = _groups(("aaa_example", "peer"), ("sunan", "peer"), ("zzz", "peer"))
    assert peer_group(FW, groups) == PeerGroup("sunan", {"zh": "sunan组", "en": "sunan group"})


def test_the_user_s_choice_wins_over_the_framework_s() -> None:
    groups = _groups(("aaa_example", "peer"), ("sunan", "peer"))
    assert peer_group(FW, groups, chosen="aaa_example").code == "aaa_example"
    assert default_peer_group(FW, chosen="aaa_example") == "aaa_example"
    assert default_peer_group(FW) == "sunan"


def test_without_the_framework_s_group_stored_the_first_peer_kind_is_taken() -> None:
    groups = _groups(("aaa_region", "region"), ("bbb", "peer"))
    assert peer_group(FW, groups).code == "bbb"
    assert peer_group(None, _groups(("aaa_region", "region"))).code == "aaa_region"
    assert peer_group(FW, None) == PeerGroup(None)
