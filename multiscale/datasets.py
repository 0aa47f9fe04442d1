"""Loaders for the real data sets the suite trains and tests on.

Where a data set is looked for, in order:

1. an explicit ``path`` argument (the data set's folder, or for Hillenbrand and Peterson &
   Barney also the file itself);
2. ``$MULTISCALE_DATA/<folder>``, a folder holding ``hillenbrand1995/``,
   ``peterson_barney1952/`` and ``fsdd/``;
3. the user's cache folder (``pooch.os_cache("multiscale")/<folder>``), where a download lands.

Where none holds it, the file is downloaded into the cache with pooch and checked against a
known SHA-256; where that fails (offline), an :class:`~multiscale.errors.InputError` says
where to put the file. The data files are never part of this repository.

Sources (see each README in the data folders for provenance and licences):

- Hillenbrand, Getty, Clark & Wheeler, J. Acoust. Soc. Am. 97, 3099 (1995): ``vowdata.dat``.
- Peterson & Barney, J. Acoust. Soc. Am. 24, 175 (1952): ``pb52.csv`` (a tidy table of the
  verified transcription; no publisher copy exists to download).
- Free Spoken Digit Dataset (Jackson et al., CC BY-SA 4.0): ``recordings/*.wav``.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np

from multiscale.errors import InputError
from network.corpus import ARPABET_TO_CODE, VOWEL_WORDS

__all__ = [
    "data_root",
    "hillenbrand",
    "peterson_barney",
    "fsdd",
    "read_wav",
    "HILLENBRAND_VOWELS",
]

ENV_VAR = "MULTISCALE_DATA"

#: Vowel codes of Hillenbrand et al. (1995) and their /hVd/ words (network.corpus).
HILLENBRAND_VOWELS = VOWEL_WORDS

_HILLENBRAND = {
    "folder": "hillenbrand1995",
    "file": "vowdata.dat",
    # The author's page is no longer online; this is the byte-identical vendored copy
    # described in the data README, pinned to a commit.
    "url": "https://raw.githubusercontent.com/kleinschmidt/hdp-bayes-vowels/"
    "0787a1ab4007217f0ad2a756e0d1c4385f676fd2/hillenbrand-data/vowdata.dat",
    "sha256": "05a4a69e2c6b0f444077245b1427d12bc86f8d7a32ae7a4b63f7e06e5712e4b1",
}
_PETERSON_BARNEY = {
    "folder": "peterson_barney1952",
    "file": "pb52.csv",
    "sha256": "5bc3759e96fce17d9bea7f1df612b3449346c384e305192470b309f6deaf10d9",
}
_FSDD = {
    "folder": "fsdd",
    "url": "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/"
    "26eb9aaf76e81b692f806f9140c2d2777410d7a1.zip",
    # SHA-256 of the lines "<name> <sha256 of the file>\n" of all 3000 recordings, sorted by
    # name: one number that pins every recording.
    "manifest_sha256": "dbd573d7cafe79c4b49f65718115e1304e24e067fa39eff18a660dc6cb9c360f",
    "count": 3000,
}

_HILLENBRAND_COLUMNS = (
    "duration", "F0", "F1", "F2", "F3", "F4",
    "F1_20", "F2_20", "F3_20", "F1_50", "F2_50", "F3_50", "F1_80", "F2_80", "F3_80",
)  # fmt: skip
_TOKEN = re.compile(r"^([mwbg])(\d\d)([a-z]{2})\s")


# ---------------------------------------------------------------------------- resolution
def data_root() -> Path | None:
    """The folder named by ``$MULTISCALE_DATA``, or None."""
    value = os.environ.get(ENV_VAR)
    return Path(value).expanduser() if value else None


def _cache_root() -> Path:
    import pooch

    return Path(pooch.os_cache("multiscale"))


def candidates(folder: str) -> list[Path]:
    """Folders searched for a data set, in order (for messages and ``doctor``)."""
    found = []
    root = data_root()
    if root is not None:
        found.append(root / folder)
    found.append(_cache_root() / folder)
    return found


def _resolve_file(info: dict, path: str | Path | None) -> Path:
    """The data file of ``info``: explicit, environment, cache, or downloaded."""
    name = info["file"]
    if path is not None:
        path = Path(path).expanduser()
        target = path / name if path.is_dir() else path
        if not target.is_file():
            raise InputError(f"data path {str(path)!r}: no file {name!r} there")
        return target
    for folder in candidates(info["folder"]):
        if (folder / name).is_file():
            return folder / name
    if "url" not in info:
        raise InputError(
            f"data file {name!r} not found in {[str(c) for c in candidates(info['folder'])]} "
            f"and no public copy can be downloaded; put it at "
            f"${ENV_VAR}/{info['folder']}/{name}"
        )
    return _download(info)


def _download(info: dict) -> Path:
    import pooch

    folder = _cache_root() / info["folder"]
    try:
        return Path(
            pooch.retrieve(
                info["url"],
                known_hash=f"sha256:{info['sha256']}",
                fname=info["file"],
                path=folder,
                progressbar=False,
            )
        )
    except Exception as error:  # offline, moved, or checksum mismatch
        raise InputError(
            f"data file {info['file']!r} is not here and could not be downloaded "
            f"({type(error).__name__}: {error}); put it at "
            f"${ENV_VAR}/{info['folder']}/{info['file']} or pass its path"
        ) from None


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------- Hillenbrand
def hillenbrand(path: str | Path | None = None):
    """Hillenbrand et al. (1995) vowel measurements as an xarray Dataset.

    Returns
    -------
    xarray.Dataset
        The layout of :mod:`network.corpus`. dim ``token`` (1668): coords ``token`` (id such
        as ``"w01iy"``), ``group`` (m man, w woman, b boy, g girl), ``speaker`` (e.g.
        ``"w01"``), ``vowel`` (e.g. ``"iy"``), ``word`` (e.g. ``"heed"``); data vars
        ``duration`` (s), ``F0`` and ``F1``–``F4`` at steady state (Hz), and ``F1_20`` …
        ``F3_80`` at 20/50/80 % of the vowel (Hz). Unmeasurable values (0 in the file) are
        NaN.
    """
    import xarray as xr

    source = _resolve_file(_HILLENBRAND, path)
    tokens, rows = [], []
    for line in source.read_text(errors="replace").splitlines():
        if not _TOKEN.match(line):
            continue
        fields = line.split()
        if len(fields) != 16:
            raise InputError(f"{source}: line {line!r} has {len(fields)} fields, expected 16")
        tokens.append(fields[0])
        rows.append([float(v) for v in fields[1:]])
    if not tokens:
        raise InputError(f"{source}: no token lines found; is it vowdata.dat?")
    values = np.array(rows)
    values[values == 0] = np.nan
    values[:, 0] /= 1e3  # duration ms -> s
    data_vars = {}
    for i, name in enumerate(_HILLENBRAND_COLUMNS):
        unit = "s" if name == "duration" else "Hz"
        long_name = "vowel duration" if name == "duration" else _formant_name(name)
        data_vars[name] = ("token", values[:, i], {"units": unit, "long_name": long_name})
    return xr.Dataset(
        data_vars,
        coords={
            "token": ("token", tokens),
            "group": ("token", [t[0] for t in tokens]),
            "speaker": ("token", [t[:3] for t in tokens]),
            "vowel": ("token", [t[3:5] for t in tokens]),
            "word": ("token", [VOWEL_WORDS[t[3:5]] for t in tokens]),
        },
        attrs={
            "source": "Hillenbrand, Getty, Clark & Wheeler, JASA 97, 3099 (1995)",
            "file": str(source),
            "sha256": _sha256(source),
        },
    )


def _formant_name(name: str) -> str:
    if name == "F0":
        return "fundamental frequency at steady state"
    formant, _, where = name.partition("_")
    return f"{formant} at " + (f"{where} % of the vowel" if where else "steady state")


# ---------------------------------------------------------------------------- Peterson & Barney
def peterson_barney(path: str | Path | None = None):
    """Peterson & Barney (1952) vowels as an xarray Dataset.

    Returns
    -------
    xarray.Dataset
        The layout of :mod:`network.corpus`. dim ``token`` (1520): coords ``token`` (e.g.
        ``"pb_m01_iy_1"``), ``group`` (m, w, and the children split by sex into b and g),
        ``speaker`` (group and the file's speaker number, e.g. ``"m01"``, ``"g62"``),
        ``vowel`` (the code of :data:`network.corpus.ARPABET_TO_CODE`: ARPABET ``AH``, "hud",
        is ``uh``), ``word``; and the file's ``arpabet``, ``repetition``,
        ``listener_disagreement``; data vars ``F0``–``F3`` (Hz).
    """
    import pandas as pd
    import xarray as xr

    source = _resolve_file(_PETERSON_BARNEY, path)
    table = pd.read_csv(source)
    expected = {"type", "sex", "speaker", "repetition", "arpabet", "word", "f0_hz", "f1_hz",
                "f2_hz", "f3_hz", "listener_disagreement"}
    if not expected <= set(table.columns):
        raise InputError(f"{source}: columns {sorted(expected - set(table.columns))} missing")
    unknown = sorted(set(table.arpabet) - set(ARPABET_TO_CODE))
    if unknown:
        raise InputError(f"{source}: ARPABET labels {unknown} have no vowel code")
    group = np.where(table.type == "c", np.where(table.sex == "f", "g", "b"), table.type)
    speaker = [f"{g}{int(n):02d}" for g, n in zip(group, table.speaker, strict=True)]
    vowel = [ARPABET_TO_CODE[a] for a in table.arpabet]
    token = [f"pb_{s}_{v}_{int(r)}" for s, v, r in zip(speaker, vowel, table.repetition,
                                                       strict=True)]
    data_vars = {
        f"F{i}": ("token", table[f"f{i}_hz"].to_numpy(float),
                  {"units": "Hz", "long_name": _formant_name(f"F{i}")})
        for i in range(4)
    }
    return xr.Dataset(
        data_vars,
        coords={
            "token": ("token", token), "group": ("token", group.astype(str)),
            "speaker": ("token", speaker), "vowel": ("token", vowel),
            "word": ("token", table.word.astype(str).to_numpy()),
            "arpabet": ("token", table.arpabet.astype(str).to_numpy()),
            "repetition": ("token", table.repetition.to_numpy(int)),
            "listener_disagreement": ("token", table.listener_disagreement.to_numpy(int)),
        },
        attrs={"source": "Peterson & Barney, JASA 24, 175 (1952)", "file": str(source),
               "sha256": _sha256(source)},
    )  # fmt: skip


# ---------------------------------------------------------------------------- FSDD
def _fsdd_folder(path: str | Path | None) -> Path:
    if path is not None:
        path = Path(path).expanduser()
        recordings = path if path.name == "recordings" else path / "recordings"
        if not recordings.is_dir():
            raise InputError(f"data path {str(path)!r}: no recordings/ folder of FSDD there")
        return recordings
    for folder in candidates(_FSDD["folder"]):
        if (folder / "recordings").is_dir():
            return folder / "recordings"
    return _download_fsdd()


def _download_fsdd() -> Path:
    import pooch

    target = _cache_root() / _FSDD["folder"]
    try:
        members = pooch.retrieve(
            _FSDD["url"],
            known_hash=None,  # the archive is checked file by file below
            path=target,
            fname="fsdd.zip",
            processor=pooch.Unzip(extract_dir="unpacked"),
            progressbar=False,
        )
    except Exception as error:
        raise InputError(
            f"FSDD recordings are not here and could not be downloaded "
            f"({type(error).__name__}: {error}); put the recordings/ folder at "
            f"${ENV_VAR}/fsdd/recordings or pass its path"
        ) from None
    wavs = sorted(Path(m) for m in members if m.endswith(".wav") and "/recordings/" in m)
    manifest = "".join(f"{w.name} {_sha256(w)}\n" for w in sorted(wavs, key=lambda w: w.name))
    if hashlib.sha256(manifest.encode()).hexdigest() != _FSDD["manifest_sha256"]:
        raise InputError("downloaded FSDD recordings do not match the pinned checksums")
    recordings = target / "recordings"
    recordings.mkdir(exist_ok=True)
    for wav in wavs:
        os.replace(wav, recordings / wav.name)
    return recordings


def fsdd(path: str | Path | None = None):
    """The Free Spoken Digit Dataset: one row per recording.

    Returns
    -------
    pandas.DataFrame
        columns ``digit`` (0–9), ``speaker``, ``index`` (0–49), ``split`` (``"test"`` for
        indices 0–4, the official split, else ``"train"``), ``path``; sorted by speaker,
        digit, index.
    """
    import pandas as pd

    recordings = _fsdd_folder(path)
    rows = []
    for wav in recordings.glob("*.wav"):
        match = re.fullmatch(r"(\d)_([a-z]+)_(\d+)\.wav", wav.name)
        if match is None:
            continue
        digit, speaker, index = int(match[1]), match[2], int(match[3])
        rows.append(
            {
                "digit": digit,
                "speaker": speaker,
                "index": index,
                "split": "test" if index < 5 else "train",
                "path": str(wav),
            }
        )
    if not rows:
        raise InputError(f"{recordings}: no FSDD recordings (<digit>_<speaker>_<index>.wav)")
    table = pd.DataFrame(rows).sort_values(["speaker", "digit", "index"], ignore_index=True)
    table.attrs["source"] = "Free Spoken Digit Dataset (CC BY-SA 4.0)"
    return table


def read_wav(path: str | Path) -> tuple[int, np.ndarray]:
    """Sample rate (Hz) and mono samples scaled to [-1, 1] of a PCM WAV file."""
    from scipy.io import wavfile

    rate, samples = wavfile.read(path)
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    if np.issubdtype(samples.dtype, np.integer):
        samples = samples / float(np.iinfo(samples.dtype).max + 1)
    return int(rate), samples.astype(float)
