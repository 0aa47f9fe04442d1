"""One layout for every vowel corpus: vowel codes, words, speaker groups, label maps.

Every vowel corpus the suite loads (:func:`multiscale.datasets.hillenbrand`,
:func:`multiscale.datasets.peterson_barney`) is an xarray Dataset of this layout:

- dim ``token``; coords ``token`` (a unique id), ``speaker`` (unique over the corpus, e.g.
  ``"w01"``), ``group`` (one of :data:`GROUPS`), ``vowel`` (a code of
  :data:`VOWEL_WORDS`) and ``word`` (its /hVd/ word);
- data vars ``F0``–``F3`` (Hz; NaN where not measured), and whatever else the corpus has.

The vowel codes are Hillenbrand et al.'s (1995). Peterson & Barney (1952) label their vowels in
ARPABET; :data:`ARPABET_TO_CODE` maps them by their words. ARPABET ``AH`` is the vowel of
"hud" (code ``uh``), ``AA`` that of "hod" (code ``ah``): the two letter pairs cross over.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["VOWEL_WORDS", "ARPABET_TO_CODE", "GROUPS", "GROUP_NAMES", "parse_groups"]

#: Vowel codes of Hillenbrand et al. (1995) and their /hVd/ words.
VOWEL_WORDS = {
    "iy": "heed", "ih": "hid", "ei": "hayed", "eh": "head", "ae": "had", "ah": "hod",
    "aw": "hawed", "oa": "hoed", "oo": "hood", "uw": "who'd", "uh": "hud", "er": "heard",
}  # fmt: skip

#: ARPABET labels of Peterson & Barney (1952) -> vowel codes, matched by the /hVd/ word.
ARPABET_TO_CODE = {
    "IY": "iy",  # heed
    "IH": "ih",  # hid
    "EH": "eh",  # head
    "AE": "ae",  # had
    "AA": "ah",  # hod
    "AO": "aw",  # hawed
    "UH": "oo",  # hood
    "UW": "uw",  # who'd
    "AH": "uh",  # hud (not "hod")
    "ER": "er",  # heard
}

#: Speaker groups: m men, w women, b boys, g girls.
GROUPS = ("m", "w", "b", "g")

#: Names a task may use for a group or a union of groups.
GROUP_NAMES = {
    "men": ("m",), "women": ("w",), "boys": ("b",), "girls": ("g",),
    "children": ("b", "g"), "adults": ("m", "w"), "all": GROUPS,
}  # fmt: skip


def parse_groups(groups: str | Sequence[str]) -> tuple[str, ...]:
    """The group codes of ``groups``: a code (``"w"``), a name of :data:`GROUP_NAMES`
    (``"children"``), codes or names joined by ``+`` (``"w+m"``), or a list of them.

    Raises ValueError naming the value and what is allowed.
    """
    parts = groups.split("+") if isinstance(groups, str) else list(groups)
    codes: list[str] = []
    for part in parts:
        part = str(part).strip()
        found = GROUP_NAMES.get(part, (part,) if part in GROUPS else None)
        if found is None:
            raise ValueError(f"group = {groups!r}: {part!r} is not a group; allowed: the codes "
                             f"{list(GROUPS)}, the names {sorted(GROUP_NAMES)}, or several "
                             "joined by '+'")
        codes += [c for c in found if c not in codes]
    if not codes:
        raise ValueError(f"group = {groups!r}: names no group")
    return tuple(codes)
