"""Names a bulletin shortens when it lists two subjects: the shared part is written once.

- Shared end: ``城镇和农村居民人均可支配收入`` (or ``城镇居民和农村居民人均可支配收入``)
  names 城镇居民人均可支配收入 as well as 农村居民人均可支配收入;
- Shared start: ``每千人口拥有医疗卫生机构床位6.58张、执业(助理)医师3.47人`` names
  每千人口拥有执业(助理)医师 after the figure of the first.

Only a registered phrasing is ever made up (the words written plus the part the other
name supplies), and only across a conjunction (和, 与, 及, 、), so a list never invents
a subject the rules do not know.
"""

from __future__ import annotations

#: Words that join two listed subjects.
CONJUNCTIONS = "和与及、"

#: Longest run of words read before or after a conjunction.
_SPAN = 12


def _shared_end(
    clause: str, start: int, name: str, names: dict[str, list[str]], floor: int
) -> tuple[int, int, str] | None:
    """The mention ending at the conjunction before ``clause[start]`` (where ``name``
    starts) whose end is ``name``'s: ``城镇`` + ``居民人均可支配收入``; None if none."""
    p = start - 1
    words = clause[max(floor, p - _SPAN) : p]
    best: tuple[int, int, str] | None = None
    for k in range(1, len(name)):
        tail = name[k:]
        for j in range(len(words), 0, -1):
            cand = words[-j:] + tail
            if cand in names and (best is None or len(cand) > len(best[2])):
                best = (p - j, p, cand)
                break
    return best


def _shared_start(
    clause: str, p: int, name: str, names: dict[str, list[str]]
) -> tuple[int, int, str] | None:
    """The mention right after the conjunction at ``clause[p]`` whose start is that of
    ``name`` (the previous mention): ``每千人口拥有`` + ``执业(助理)医师``; None if none."""
    rest = clause[p + 1 : p + 1 + _SPAN + len(name)]
    best: tuple[int, int, str] | None = None
    for k in range(1, len(name)):
        head = name[:k]
        for n in range(len(rest), 0, -1):
            cand = head + rest[:n]
            if cand in names and (best is None or len(cand) > len(best[2])):
                best = (p + 1, p + 1 + n, cand)
                break
    return best


def elided(
    clause: str, mentions: list[tuple[int, int, str]], names: dict[str, list[str]]
) -> list[tuple[int, int, str]]:
    """The mentions of ``clause`` (upper-cased as matched) written in short form next to
    the found ``mentions`` (``(start, end, name)``, in order)."""
    out: list[tuple[int, int, str]] = []
    starts = {s for s, _, _ in mentions}
    for i, (s, _, name) in enumerate(mentions):
        floor = mentions[i - 1][1] if i else 0
        if s > floor and clause[s - 1] in CONJUNCTIONS:
            found = _shared_end(clause, s, name, names, floor)
            if found is not None:
                out.append(found)
    for i, (_, e, name) in enumerate(mentions):
        ceiling = mentions[i + 1][0] if i + 1 < len(mentions) else len(clause)
        for p in range(e, ceiling):
            if clause[p] in CONJUNCTIONS and p + 1 not in starts:
                found = _shared_start(clause[:ceiling], p, name, names)
                if found is not None:
                    out.append(found)
                break
    return out
