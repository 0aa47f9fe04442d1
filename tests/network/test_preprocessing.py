"""Audio front ends: shapes and known-signal checks."""

import numpy as np
import pytest

from network.preprocessing import cochleagram, erb_space, featurize, mfcc, to_frames

RATE = 8000  # Hz, the FSDD sample rate


def test_erb_space_is_even_on_the_erb_rate_scale():
    f = erb_space(100.0, 3600.0, 32)
    assert f[0] == pytest.approx(100.0) and f[-1] == pytest.approx(3600.0)
    erb_rate = 21.4 * np.log10(1 + 0.00437 * f)  # Glasberg & Moore (1990)
    np.testing.assert_allclose(np.diff(erb_rate), np.diff(erb_rate)[0], rtol=1e-9)
    with pytest.raises(ValueError, match="f_min"):
        erb_space(500.0, 100.0, 4)


@pytest.mark.parametrize("tone", [300.0, 1000.0, 2500.0])
def test_pure_tone_peaks_in_the_nearest_gammatone_channel(tone):
    # A steady pure tone drives most the filter centred closest to it (gammatone filters are
    # symmetric about their centre on a log-ish scale; the ERB spacing here is ~4 % of f at
    # 1 kHz, finer than a filter's bandwidth, so the nearest or its neighbour must win).
    t = np.arange(int(0.3 * RATE)) / RATE
    features = cochleagram(0.5 * np.sin(2 * np.pi * tone * t), RATE, n_channels=32)
    centres = erb_space(100.0, 0.45 * RATE, 32)
    assert features.shape == (1 + (t.size - 1) // 80, 32)  # 10 ms hop = 80 samples
    peak = int(np.argmax(features[5:-5].mean(axis=0)))
    assert abs(peak - int(np.argmin(np.abs(centres - tone)))) <= 1
    # and the channel a factor 2 away in frequency is at least 20 dB (2 decades of energy
    # in log10 units: 1.0 per 10 dB) below the peak
    far = int(np.argmin(np.abs(centres - tone * (2 if tone < 2000 else 0.5))))
    assert features[5:-5, peak].mean() - features[5:-5, far].mean() > 2.0


def test_mfcc_shape_and_gain_shift():
    # Scaling a signal by 10 adds 20 dB to every mel band; with librosa's orthonormal DCT-II
    # c0 = Σ bands / √n_mels rises by 20 √n_mels and the other coefficients stay (to float32
    # rounding). White noise keeps every band within librosa's 80 dB floor.
    noise = np.random.default_rng(0).normal(scale=0.01, size=4000)
    quiet, loud = mfcc(noise, RATE, n_mfcc=13, n_mels=40), mfcc(10 * noise, RATE, n_mels=40)
    assert quiet.shape == (1 + 4000 // 80, 13)
    np.testing.assert_allclose(loud[:, 0] - quiet[:, 0], 20 * np.sqrt(40), rtol=1e-3)
    np.testing.assert_allclose(loud[:, 1:], quiet[:, 1:], atol=1e-2)


def test_to_frames_keeps_a_linear_ramp_and_fixes_the_length():
    ramp = np.stack([np.linspace(0, 1, 37), np.linspace(5, 3, 37)], axis=1)
    frames = to_frames(ramp, 10)
    np.testing.assert_allclose(frames[:, 0], np.linspace(0, 1, 10), atol=1e-12)
    np.testing.assert_allclose(frames[:, 1], np.linspace(5, 3, 10), atol=1e-12)
    assert to_frames(ramp[:1], 4).shape == (4, 2)


def test_featurize_stacks_utterances_of_any_length():
    rng = np.random.default_rng(1)
    signals = [rng.normal(scale=0.1, size=n) for n in (2500, 4100, 6000)]
    x = featurize(signals, RATE, "mfcc", n_frames=16, n_mfcc=13)
    c = featurize(signals, RATE, "cochleagram", n_frames=16, n_channels=8)
    assert x.shape == (3, 16, 13) and c.shape == (3, 16, 8)
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(c))
    with pytest.raises(ValueError, match="method"):
        featurize(signals, RATE, "lyon")
