"""Audio preprocessing for the reservoir: MFCC and a gammatone cochleagram.

Two front ends, both from maintained libraries:

- **MFCC** by librosa (``librosa.feature.mfcc``): the standard speech features, a mel filterbank
  followed by a log and a DCT. librosa is the reference audio-analysis package of the
  scientific Python stack and is actively maintained.
- **Cochleagram** from a gammatone filterbank built with ``scipy.signal.gammatone`` (Slaney's
  IIR design of the Patterson–Holdsworth auditory filter), centre frequencies spaced evenly on
  the ERB-rate scale of Glasberg & Moore (Hear. Res. 47, 103 (1990)), followed by half-wave
  rectification, frame averaging and log compression. Torrejon et al. used Lyon's cochlear
  model from the (MATLAB) Auditory Toolbox; its Python ports on PyPI are unmaintained, while the
  gammatone filter is the standard cochlear-filter model and lives in scipy itself.

Every utterance becomes ``n_frames`` frames of features (linear interpolation of the 10 ms
frame sequence onto a fixed grid), so utterances of any length feed the reservoir as arrays of
one shape. Standardisation of the features is left to the caller, so that it uses the training
data only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "erb_space",
    "mfcc",
    "cochleagram",
    "to_frames",
    "featurize",
]


def erb_space(f_min: float, f_max: float, n_channels: int) -> np.ndarray:
    """Centre frequencies (Hz) evenly spaced on the ERB-rate scale, ascending.

    ERB-rate (Glasberg & Moore 1990): ``E(f) = 21.4 log10(1 + 0.00437 f)``.
    """
    if not 0 < f_min < f_max:
        raise ValueError(f"f_min, f_max = {f_min!r}, {f_max!r} Hz: need 0 < f_min < f_max")
    if n_channels < 1:
        raise ValueError(f"n_channels = {n_channels!r}: must be >= 1")
    def rate(f):
        return 21.4 * np.log10(1 + 0.00437 * f)
    e = np.linspace(rate(f_min), rate(f_max), n_channels)
    return (10 ** (e / 21.4) - 1) / 0.00437


def _hop(rate: float, hop_time: float) -> int:
    return max(1, int(round(hop_time * rate)))


def mfcc(signal: np.ndarray, rate: float, n_mfcc: int = 13, hop_time: float = 0.01,
         window_time: float = 0.025, n_mels: int = 40) -> np.ndarray:
    """Mel-frequency cepstral coefficients, shape ``(n_frames, n_mfcc)``.

    Parameters
    ----------
    signal : 1-D array, samples in [-1, 1]
    rate : sample rate (Hz)
    n_mfcc : number of coefficients (including c0, the log energy)
    hop_time, window_time : frame step and analysis window (s)
    n_mels : mel bands
    """
    import librosa

    signal = np.asarray(signal, dtype=np.float32)
    hop = _hop(rate, hop_time)
    n_fft = int(2 ** np.ceil(np.log2(window_time * rate)))
    coefficients = librosa.feature.mfcc(
        y=signal, sr=rate, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop,
        win_length=min(n_fft, _hop(rate, window_time)), n_mels=n_mels, fmin=0.0,
        fmax=rate / 2,
    )
    return coefficients.T.astype(float)


def cochleagram(signal: np.ndarray, rate: float, n_channels: int = 32, f_min: float = 100.0,
                f_max: float | None = None, hop_time: float = 0.01,
                window_time: float = 0.025) -> np.ndarray:
    """Log energy of a gammatone filterbank, shape ``(n_frames, n_channels)``.

    Each channel is a 4th-order gammatone filter (``scipy.signal.gammatone``, IIR), centre
    frequencies from :func:`erb_space` (ascending, channel 0 lowest). The half-wave rectified
    output (the inner hair cell's) is averaged over windows of ``window_time`` every
    ``hop_time`` and compressed as ``log10(mean + 1e-10)``.

    Parameters
    ----------
    signal : 1-D array, samples in [-1, 1]
    rate : sample rate (Hz)
    n_channels : number of filters
    f_min, f_max : lowest and highest centre frequency (Hz); f_max defaults to 0.45 rate
    hop_time, window_time : frame step and averaging window (s)
    """
    from scipy import signal as sps

    signal = np.asarray(signal, dtype=float)
    f_max = 0.45 * rate if f_max is None else f_max
    hop, width = _hop(rate, hop_time), _hop(rate, window_time)
    n_frames = max(1, 1 + (signal.size - 1) // hop)
    padded = np.concatenate([signal, np.zeros(width)])
    out = np.empty((n_frames, n_channels))
    starts = np.arange(n_frames) * hop
    for j, centre in enumerate(erb_space(f_min, f_max, n_channels)):
        b, a = sps.gammatone(centre, "iir", fs=rate)
        filtered = sps.sosfilt(sps.tf2sos(b, a), padded)
        rectified = np.maximum(filtered, 0.0)
        cumulative = np.concatenate([[0.0], np.cumsum(rectified)])
        energy = (cumulative[starts + width] - cumulative[starts]) / width
        out[:, j] = np.log10(energy + 1e-10)
    return out


def to_frames(features: np.ndarray, n_frames: int) -> np.ndarray:
    """Resample a ``(n_time, n_features)`` sequence onto ``n_frames`` evenly spaced frames.

    Linear interpolation in time between the first and the last frame, so every utterance
    spans the same number of frames whatever its duration.
    """
    features = np.asarray(features, dtype=float)
    if features.ndim != 2 or features.shape[0] < 1:
        raise ValueError(f"features: expected shape (n_time, n_features); got {features.shape}")
    if n_frames < 1:
        raise ValueError(f"n_frames = {n_frames!r}: must be >= 1")
    n_time = features.shape[0]
    if n_time == 1:
        return np.repeat(features, n_frames, axis=0)
    source = np.linspace(0.0, 1.0, n_time)
    target = np.linspace(0.0, 1.0, n_frames)
    return np.stack([np.interp(target, source, column) for column in features.T], axis=1)


def featurize(signals: Sequence[np.ndarray], rates: Sequence[float] | float,
              method: str = "mfcc", n_frames: int = 32, trim_db: float | None = 30.0,
              **options) -> np.ndarray:
    """Features of many utterances, shape ``(n_samples, n_frames, n_features)``.

    Parameters
    ----------
    signals : sequence of 1-D arrays
    rates : sample rate(s) (Hz)
    method : {"mfcc", "cochleagram"}
    n_frames : frames per utterance after :func:`to_frames`
    trim_db : leading and trailing parts quieter than this many dB below the peak are cut
        (``librosa.effects.trim``); None keeps the whole recording
    **options : passed to :func:`mfcc` or :func:`cochleagram`
    """
    functions = {"mfcc": mfcc, "cochleagram": cochleagram}
    if method not in functions:
        raise ValueError(f"method = {method!r}: allowed {sorted(functions)}")
    if np.ndim(rates) == 0:
        rates = [float(rates)] * len(signals)
    out = []
    for signal, rate in zip(signals, rates, strict=True):
        signal = np.asarray(signal, dtype=float)
        if trim_db is not None and signal.size > 0:
            import librosa

            trimmed, _ = librosa.effects.trim(signal, top_db=trim_db)
            if trimmed.size >= 0.05 * rate:
                signal = trimmed
        out.append(to_frames(functions[method](signal, rate, **options), n_frames))
    return np.stack(out)
