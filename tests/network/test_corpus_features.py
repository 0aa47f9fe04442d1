"""One layout for both vowel corpora, speaker groups, and the per-speaker features."""

import numpy as np
import pytest

from multiscale import datasets
from network.corpus import ARPABET_TO_CODE, VOWEL_WORDS, parse_groups
from network.features import formant_features
from network.vowels import VOWELS_7, vowel_samples

pytestmark = pytest.mark.skipif(datasets.data_root() is None,
                                reason="MULTISCALE_DATA is not set (tests/conftest.py)")


def test_both_corpora_share_one_layout():
    hill, pb = datasets.hillenbrand(), datasets.peterson_barney()
    for ds in (hill, pb):
        for name in ("token", "speaker", "group", "vowel", "word"):
            assert name in ds.coords, name
        for name in ("F0", "F1", "F2", "F3"):
            assert ds[name].attrs["units"] == "Hz"
        assert set(ds.group.values) == {"m", "w", "b", "g"}
        assert set(ds.vowel.values) <= set(VOWEL_WORDS)
        words = {(v, w) for v, w in zip(ds.vowel.values, ds.word.values, strict=True)}
        assert words <= set(VOWEL_WORDS.items())  # every code says its own /hVd/ word
        assert ds.sizes["token"] == len(set(ds.token.values))
    # Peterson & Barney: 33 men, 28 women, 15 children of whom 8 girls (62, 63, 65-68, 73,
    # 76 by the original header), two repetitions of 10 vowels each
    speakers = {g: len(set(pb.speaker.values[pb.group.values == g])) for g in "mwbg"}
    assert speakers == {"m": 33, "w": 28, "b": 7, "g": 8}
    assert "g62" in set(pb.speaker.values) and "b64" in set(pb.speaker.values)


def test_arpabet_ah_is_hud_not_hod():
    pb = datasets.peterson_barney()
    assert ARPABET_TO_CODE["AH"] == "uh" and ARPABET_TO_CODE["AA"] == "ah"
    hud = pb.where(pb.arpabet == "AH", drop=True)
    assert set(hud.word.values) == {"hud"} and set(hud.vowel.values) == {"uh"}
    # the same vowel in both corpora: men's mean F2 of "hud" ~1190 Hz (P&B Table II), far
    # from "hod" (~840 Hz)
    men = pb.where((pb.group == "m") & (pb.vowel == "uh"), drop=True)
    assert abs(float(men.F2.mean()) - 1190) < 15


def test_groups_by_code_name_and_union():
    assert parse_groups("w") == ("w",)
    assert parse_groups("children") == ("b", "g")
    assert parse_groups("w+m") == ("w", "m")
    assert parse_groups(["women", "b"]) == ("w", "b")
    with pytest.raises(ValueError, match=r"'kids' is not a group.*children"):
        parse_groups("kids")
    samples = vowel_samples(datasets.hillenbrand(), VOWELS_7, "children")
    assert set(samples.group) == {"b", "g"}
    assert len(set(samples.speaker)) == 27 + 19  # Hillenbrand's 27 boys and 19 girls


def test_lobanov_and_nearey_are_per_speaker():
    speakers = np.array(["a", "a", "a", "b", "b", "b"])
    formants = np.array([[300, 2000], [500, 1500], [700, 1000],
                         [600, 4000], [1000, 3000], [1400, 2000]], float)
    z = formant_features(formants, speakers, "lobanov")
    # speaker b is speaker a scaled by 2 (F1) and 2 (F2): identical z-scores
    assert np.allclose(z[:3], z[3:])
    assert np.allclose(z[:3].mean(axis=0), 0) and np.allclose(z[:3].std(axis=0, ddof=1), 1)
    nearey = formant_features(formants, speakers, "nearey")
    assert np.allclose(nearey[:3], nearey[3:])  # a common scale factor drops out of log-mean
    assert np.allclose(formant_features(formants, speakers, "log"), np.log(formants))
    with pytest.raises(ValueError, match="features = 'bark'"):
        formant_features(formants, speakers, "bark")
    with pytest.raises(ValueError, match="speaker 'c' has one token"):
        formant_features(formants[:1], np.array(["c"]), "lobanov")


def test_lobanov_removes_most_of_the_difference_between_groups():
    """Women's and men's vowel spaces differ by ~15-20 % in Hz (vocal tract length); after
    Lobanov normalisation the per-vowel means of the two groups agree to a fraction of a
    standard deviation."""
    data = datasets.hillenbrand()
    men = vowel_samples(data, VOWELS_7, "m", features="lobanov")
    women = vowel_samples(data, VOWELS_7, "w", features="lobanov")
    raw_m, raw_w = vowel_samples(data, VOWELS_7, "m"), vowel_samples(data, VOWELS_7, "w")
    for c in range(7):
        hz = raw_w.features[raw_w.label == c].mean(0) / raw_m.features[raw_m.label == c].mean(0)
        assert np.all(hz > 1.0)  # women higher in F1 and F2
        gap = women.features[women.label == c].mean(0) - men.features[men.label == c].mean(0)
        assert np.all(np.abs(gap) < 0.35), (VOWELS_7[c], gap)
