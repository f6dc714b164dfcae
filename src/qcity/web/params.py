"""The query parameters that the results endpoints share, as one FastAPI dependency
(``Depends``) instead of a copy in every signature: which scope (``peers``, ``towns``),
which unit and which language a request asks for.

    @router.get("/overview")
    def overview(request: Request, view: UnitViewDep) -> dict[str, Any]: ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from qcity.web.state import PEERS

#: ``?lang=``: the language of the answer's texts.
Lang = Query("zh", description="zh (default) or en", pattern="^(zh|en)$")
#: ``?scope=``: the peer group or the towns and streets.
ScopeQ = Query(PEERS, description="peers (the peer group) or towns (towns and streets)")
#: ``?unit=``: the unit shown.
UnitQ = Query(None, description="unit code (default: the focus unit of the scope)")


@dataclass(frozen=True)
class UnitView:
    """What a results request asks to see: ``scope``, ``unit`` (None: the scope's focus
    unit) and ``lang``."""

    scope: str
    unit: str | None
    lang: str


def unit_view(scope: str = ScopeQ, unit: str | None = UnitQ, lang: str = Lang) -> UnitView:
    """The ``?scope=``, ``?unit=`` and ``?lang=`` of a request."""
    return UnitView(scope, unit, lang)


#: The dependency in a signature: ``view: UnitViewDep``.
UnitViewDep = Annotated[UnitView, Depends(unit_view)]
