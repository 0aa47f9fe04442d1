"""Hand-written fuzz cases: files that are not configs, unknown tables, bad paths and options.

:func:`prepare_shared` writes the files these cases share (a plain file to put outputs on, a
time series for ``calibrate`` and damaged copies of it, model JSONs); :func:`handwritten_cases`
lists the cases. See :mod:`fuzz_cases` for what a case must do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fuzz_cases import DEFAULT_CHAIN, EXAMPLES, Case, read_example, toml_dumps, with_value

#: The example config of each command that reads one.
CONFIGS = {"sweep": "vortex_small.toml", "lock": "vortex_locking.toml", "run": DEFAULT_CHAIN,
           "classify": "vowels.toml", "reservoir": "reservoir_waveform.toml",
           "study": "study_damping_temperature.toml"}
#: The first table of each command's config: replaced by a wrong type in 'section-type'.
FIRST_TABLE = {"sweep": "device", "lock": "lock", "run": "sweep", "classify": "network",
               "reservoir": "reservoir", "study": "study"}
#: What an empty config lacks first (classify and reservoir: nothing, all keys have defaults).
REQUIRED = {"sweep": "device", "lock": "device", "run": "device", "study": "study"}
CONFIG = "{tmp}/config.toml"


def _text(command: str) -> str:
    source = CONFIGS[command]
    path = source if isinstance(source, Path) else EXAMPLES / source
    return path.read_text(encoding="utf-8")


def _truncated(text: str) -> str:
    """The text cut inside the header of its second table (``[dev``): not TOML."""
    headers = [match.start() for match in re.finditer(r"^\[", text, flags=re.MULTILINE)]
    return text[: headers[1] + 4]


def file_cases() -> list[Case]:
    """Config files that cannot be read as a config, for every command that reads one."""
    cases = []
    for command in CONFIGS:
        argv = (command, CONFIG, "--out", "{tmp}/out")
        text = _text(command)
        data = read_example(CONFIGS[command])
        if command == "study":
            data["study"]["model"] = "reference"
        cases += [
            Case(command, "config.toml", "encoding", argv,
                 text.encode("utf-8") + "# café\n".encode("latin-1")),
            Case(command, "config.toml", "binary", argv, bytes(range(256))),
            Case(command, "config.toml", "truncated", argv, _truncated(text)),
            Case(command, "config.toml", "duplicate-key", argv,
                 text + "\n" + text[text.index("\n[") + 1:]),
            Case(command, "missing.toml", "missing-file",
                 (command, "{tmp}/missing.toml", "--out", "{tmp}/out")),
            Case(command, "adir", "directory", (command, "{shared}/adir", "--out", "{tmp}/out")),
            Case(command, "bogus", "unknown-table", argv, text + "\n[bogus]\nx = 1\n"),
            Case(command, FIRST_TABLE[command], "section-type", argv,
                 toml_dumps({**data, FIRST_TABLE[command]: "abc"})),
        ]
        if command in REQUIRED:
            cases.append(Case(command, REQUIRED[command], "empty", argv, ""))
    return cases


def path_cases() -> list[Case]:
    """Output folders and stores on or under a file, missing or broken model files."""
    cases = []
    for command in ("sweep", "lock", "run", "classify", "reservoir", "study"):
        config = str(CONFIGS[command]) if command == "run" else f"{{examples}}/{CONFIGS[command]}"
        cases += [
            Case(command, "--out", "bad-path", (command, config, "--out", "{shared}/afile"),
                 tag="on-a-file"),
            Case(command, "--out", "bad-path", (command, config, "--out", "{shared}/afile/x"),
                 tag="under-a-file"),
        ]
        if command in ("sweep", "lock", "run", "study"):
            cases.append(Case(command, "--store", "bad-path",
                              (command, config, "--store", "{shared}/afile", "--out",
                               "{tmp}/out"), tag="on-a-file"))
        if command in ("sweep", "lock", "run", "study"):
            cases.append(Case(command, "--scheduler", "bad-option",
                              (command, config, "--scheduler", "notanaddress::", "--out",
                               "{tmp}/out")))
        if command in ("lock", "classify", "reservoir"):
            for tag, model in (("missing", "{tmp}/missing.json"), ("not-json", "{shared}/afile"),
                               ("wrong-fields", "{shared}/wrong_fields.json"),
                               ("folder", "{shared}/adir")):
                cases.append(Case(command, "--model", "bad-path",
                                  (command, config, "--model", model, "--out", "{tmp}/out"),
                                  tag=tag))
    model = "{examples}/circuit_vortex_model.json"
    vowels = "{examples}/vowels.toml"
    cases += [
        Case("classify", "--model", "bad-path",
             ("classify", vowels, "--model", "{shared}/list_of_lists.json", "--out", "{tmp}/o"),
             tag="list-of-lists"),
        Case("classify", "--window", "bad-option",
             ("classify", vowels, "--model", model, "--window", "8e-3", "5e-3", "--out",
              "{tmp}/o"), tag="reversed"),
        Case("classify", "--window", "bad-option",
             ("classify", vowels, "--model", model, "--window", "nan", "nan", "--out",
              "{tmp}/o"), tag="nan"),
        Case("classify", "--window", "bad-option",
             ("classify", vowels, "--window", "5e-3", "8e-3", "--out", "{tmp}/o"),
             tag="without-model"),
        Case("classify", "--window", "bad-option",
             ("classify", vowels, "--model", model, "--window", "1", "--out", "{tmp}/o"),
             tag="one-value"),
        Case("sweep", "--engine", "bad-option",
             ("sweep", "{examples}/vortex_small.toml", "--engine", "nope", "--out", "{tmp}/o")),
        Case("study", "--workers", "bad-option",
             ("study", "{examples}/study_damping_temperature.toml", "--workers", "0", "--out",
              "{tmp}/o"), tag="zero"),
        Case("study", "--workers", "bad-option",
             ("study", "{examples}/study_damping_temperature.toml", "--workers", "2",
              "--scheduler", "tcp://127.0.0.1:9", "--out", "{tmp}/o"), tag="with-scheduler"),
        Case("study", "--workers", "bad-option",
             ("study", "{examples}/study_damping_temperature.toml", "--workers", "two",
              "--out", "{tmp}/o"), tag="not-a-number"),
        Case("study", "--workers", "bad-option",
             ("study", "{examples}/study_damping_temperature.toml", "--workers", "10" * 8,
              "--out", "{tmp}/o"), tag="huge"),
    ]
    return cases


def calibrate_cases() -> list[Case]:
    """Time series that cannot be calibrated, and bad options of ``calibrate``."""
    def case(names, category, source, *options, tag=""):
        return Case("calibrate", names, category,
                    ("calibrate", source, *options, "--out", "{tmp}/out"), tag=tag)

    good = "{shared}/ts.nc"
    cases = [
        case("missing.nc", "missing-file", "{tmp}/missing.nc"),
        case("adir", "directory", "{shared}/adir"),
        case("afile", "not-netcdf", "{shared}/afile"),
        case("empty.nc", "empty", "{shared}/empty.nc"),
        case("binary.nc", "binary", "{shared}/binary.nc"),
        case("truncated.nc", "truncated", "{shared}/truncated.nc"),
        case("vortex_small.toml", "not-netcdf", "{examples}/vortex_small.toml", tag="toml"),
        case("mx", "string-variable", "{shared}/string_mx.nc"),
        case("seed", "string-attribute", "{shared}/string_seed.nc"),
        case("mx", "missing-variable", "{shared}/no_mx.nc"),
        case("current", "missing-dimension", "{shared}/no_current.nc"),
    ]
    for tag, value in (("nan", "nan"), ("inf", "inf"), ("negative", "-1"), ("zero", "0"),
                       ("huge", "1e300")):
        cases.append(case("--power-floor", tag, good, "--power-floor", value))
    cases.append(case("--power-floor", "type-string", good, "--power-floor", "abc"))
    cases.append(case("--mode", "choice", good, "--mode", "nonsense"))
    return cases


def config_cases() -> list[Case]:
    """Bad values the generator does not make: pattern tables, study grids and points, drives,
    and values whose fault is their relation to another key."""
    def case(command, base, names, category, path, value, tag=""):
        data = read_example(base)
        if command == "study":
            for key in ("model", "chain"):
                if key in data["study"] and data["study"][key] != "reference":
                    data["study"][key] = str(EXAMPLES / data["study"][key])
        return Case(command, names, category, (command, CONFIG, "--out", "{tmp}/out"),
                    toml_dumps(with_value(data, path, value)), tag)

    damping, chain = "study_damping_temperature.toml", "study_chain_alpha.toml"
    return [
        case("classify", "vowels12.toml", "patterns", "type-string", "patterns", "abc"),
        case("classify", "vowels12.toml", "patterns", "element-type", "patterns.uw", [1]),
        case("classify", "vowels12.toml", "patterns", "malformed", "patterns.uw", ["00/0"]),
        case("classify", "vowels12.toml", "patterns", "unknown-class", "patterns.zz",
             ["0000/0000"]),
        case("classify", "vowels.toml", "task.vowels", "empty", "task.vowels", []),
        case("classify", "vowels.toml", "task.vowels", "unknown-choice", "task.vowels",
             ["iy", "zz"]),
        case("classify", "vowels.toml", "task.run_folds", "out-of-range", "task.run_folds",
             [0, 9]),
        case("classify", "vowels.toml", "simulation.readout_window", "relation",
             "simulation.readout_window", 2e-6),
        case("classify", "vowels.toml", "network.f1_band", "reversed", "network.f1_band",
             [359.5e6, 351.0e6]),
        case("classify", "vowels.toml", "network.source_amplitude", "length",
             "network.source_amplitude", [1.6e7]),
        case("sweep", "vortex_small.toml", "sweep.current_densities", "empty",
             "sweep.current_densities", []),
        case("sweep", "vortex_small.toml", "sweep.current_densities", "repeated",
             "sweep.current_densities", [1e11, 1e11]),
        case("sweep", "vortex_small.toml", "sweep.sampling_interval", "relation",
             "sweep.sampling_interval", 3e-9),
        case("sweep", "vortex_small.toml", "sweep.drives", "unknown-choice", "sweep.drives",
             [{"kind": "bogus"}]),
        case("sweep", "vortex_small.toml", "sweep.sampling_interval", "tiny",
             "sweep.sampling_interval", 1e-30),
        case("sweep", "vortex_reference.toml", "sweep.thermal_time_step", "tiny",
             "sweep", {"current_densities": [2e10], "duration": 1e-9, "temperature": 300.0,
                       "sampling_interval": 1e-11, "thermal_time_step": 1e-25}),
        case("sweep", "vortex_small.toml", "device.cell_size", "relation", "device.cell_size",
             200e-9),
        case("sweep", "vortex_small.toml", "device.polarizer", "length", "device.polarizer",
             [0.0, 1.0]),
        case("sweep", "vortex_small.toml", "device.type", "choice", "device.type", "bogus"),
        case("sweep", "vortex_small.toml", "device.polarizer", "zero", "device.polarizer",
             [0.0, 0.0, 0.0]),
        case("sweep", "mtj_inplane.toml", "device.initial_direction", "zero",
             "device.initial_direction", [0.0, 0.0, 0.0]),
        case("lock", "vortex_locking.toml", "lock.direction", "zero", "lock.direction",
             [0.0, 0.0, 0.0]),
        case("lock", "vortex_locking.toml", "lock.settle", "relation", "lock.settle", 60e-9),
        case("lock", "vortex_locking.toml", "lock.detunings", "repeated", "lock.detunings",
             [0.5, 0.5]),
        case("study", damping, "study.grid.damping", "negative", "study.grid.damping",
             [-0.01, 0.01]),
        case("study", damping, "study.grid.damping", "repeated", "study.grid.damping",
             [0.01, 0.01]),
        case("study", damping, "study.grid.damping", "empty", "study.grid.damping", []),
        case("study", damping, "study.grid.damping", "element-type", "study.grid.damping",
             ["abc"]),
        case("study", damping, "study.grid.damping", "nan", "study.grid.damping", [0.01,
                                                                                  float("nan")]),
        case("study", damping, "study.grid.bogus", "unknown-key", "study.grid.bogus", [1.0]),
        case("study", damping, "study.grid.device_seed", "type-float",
             "study.grid.device_seed", [0.5, 1.5]),
        case("study", damping, "study.grid.temperature", "negative", "study.grid.temperature",
             [-300.0]),
        case("study", damping, "study.points", "relation", "study.points", [{"damping": 0.01}]),
        case("study", chain, "study.grid.alpha", "negative", "study.grid.alpha", [-0.05]),
        case("study", chain, "study.grid.Ms", "huge", "study.grid.Ms", [1e300]),
        case("study", chain, "study.chain", "missing-file", "study.chain", "missing.toml"),
        case("study", chain, "study.grid.bogus", "unknown-key", "study.grid.bogus", [1.0],
             tag="chain"),
    ]


def handwritten_cases() -> list[Case]:
    """Every hand-written case."""
    return file_cases() + path_cases() + calibrate_cases() + config_cases()


def prepare_shared(folder: Path) -> None:
    """Write the files the cases name as ``{shared}/...`` into ``folder``."""
    from compact.model import AutoOscillator
    from compact.simulate import sweep

    (folder / "adir").mkdir()
    (folder / "afile").write_text("not a netCDF, not JSON, not a folder\n")
    (folder / "wrong_fields.json").write_text(json.dumps({"f0": 1e9, "colour": "blue"}))
    (folder / "list_of_lists.json").write_text(json.dumps([[1, 2], [3, 4]]))
    (folder / "empty.nc").write_bytes(b"")
    (folder / "binary.nc").write_bytes(bytes(range(256)) * 8)
    model = AutoOscillator(f0=4e8, N=3e7, df_dI=0.0, gamma_g=2.5e7, Q=1.0, I_th=4e-3)
    ds = sweep(model, [5e-3, 6e-3], 2e-7, initial_power=1e-3)
    ds.to_netcdf(folder / "ts.nc", engine="h5netcdf")
    data = (folder / "ts.nc").read_bytes()
    (folder / "truncated.nc").write_bytes(data[: len(data) // 2])
    damaged = ds.copy()
    damaged["mx"] = damaged["mx"].astype(str)
    damaged.to_netcdf(folder / "string_mx.nc", engine="h5netcdf")
    damaged = ds.copy()
    damaged.attrs["seed"] = "abc"
    damaged.to_netcdf(folder / "string_seed.nc", engine="h5netcdf")
    ds.drop_vars("mx").to_netcdf(folder / "no_mx.nc", engine="h5netcdf")
    ds.isel(current=0).to_netcdf(folder / "no_current.nc", engine="h5netcdf")
