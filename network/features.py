"""Formant features: raw, logarithmic, and normalised per speaker.

Phonetics removes most of the difference between speakers (vocal-tract length) by normalising
each speaker's formants with statistics of that speaker's own tokens:

- ``"hz"``: the formants as measured (Hz);
- ``"log"``: their natural logarithms;
- ``"lobanov"``: z-scores per speaker and formant, (F − mean) / std over the speaker's tokens
  (Lobanov, JASA 49, 606 (1971)); std with ddof = 1;
- ``"nearey"``: log-mean normalisation per speaker and formant, ln F − mean(ln F) over the
  speaker's tokens (Nearey's "individual log-mean", Nearey 1978; formant-intrinsic).

The statistics come from the speaker's tokens in the given set only; a speaker's
normalisation never looks at another speaker, so it leaks nothing across a speaker-
independent train/test split.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEATURE_KINDS", "formant_features"]

FEATURE_KINDS = ("hz", "log", "lobanov", "nearey")


def formant_features(formants: np.ndarray, speakers: np.ndarray, kind: str = "hz") -> np.ndarray:
    """Features (S, K) of formants (S, K) (Hz) of the tokens of ``speakers`` (S,).

    Raises ValueError for an unknown ``kind``, a formant ≤ 0 where a logarithm is taken, and,
    for ``"lobanov"``, a speaker with fewer than two tokens or no spread.
    """
    if kind not in FEATURE_KINDS:
        raise ValueError(f"features = {kind!r}: allowed {list(FEATURE_KINDS)}")
    formants = np.asarray(formants, float)
    speakers = np.asarray(speakers)
    if formants.ndim != 2 or len(formants) != len(speakers):
        raise ValueError(f"formants: shape {formants.shape}; expected (tokens, formants) with "
                         f"one speaker per token ({len(speakers)})")
    if kind == "hz":
        return formants.copy()
    if kind in ("log", "nearey"):
        if not np.all(formants > 0):
            raise ValueError("formants: a value <= 0 Hz has no logarithm")
        values = np.log(formants)
        if kind == "log":
            return values
    else:
        values = formants
    out = np.empty_like(values)
    for speaker in np.unique(speakers):
        mine = speakers == speaker
        mean = values[mine].mean(axis=0)
        if kind == "nearey":
            out[mine] = values[mine] - mean
            continue
        if mine.sum() < 2:
            raise ValueError(f"features = 'lobanov': speaker {str(speaker)!r} has one token; a "
                             "standard deviation needs two")
        std = values[mine].std(axis=0, ddof=1)
        if not np.all(std > 0):
            raise ValueError(f"features = 'lobanov': speaker {str(speaker)!r} has no spread in a "
                             "formant")
        out[mine] = (values[mine] - mean) / std
    return out
