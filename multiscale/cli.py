"""The ``multiscale`` command line.

Subcommands live in :mod:`multiscale.commands`, one module each, imported only when named, so
``multiscale --help`` answers at once. A command that has not landed yet is simply absent:
nothing here is a placeholder.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

from multiscale.errors import InputError

#: Known subcommands, in the order of the chain, and the module of each.
COMMANDS = ("doctor", "sweep", "calibrate", "lock", "classify", "reservoir", "run", "study")

_DESCRIPTION = """\
From spin-torque nano-oscillator micromagnetics to neural-network accuracy.

Every command validates its input (bad input: exit code 2 and a message naming the key,
the value and what is allowed), writes its outputs and info.json into an output folder, and
ends with one line of key=value figures."""


def _available_commands() -> list[str]:
    return [
        name
        for name in COMMANDS
        if importlib.util.find_spec(f"multiscale.commands.{name}") is not None
    ]


def _version() -> str:
    from multiscale import __version__

    return __version__


#: a negative number as a command-line value, scientific notation included
NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="multiscale",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _available_commands():
        module = importlib.import_module(f"multiscale.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        # argparse reads "-9e-3" as an option (its negative-number pattern knows no exponent),
        # so `--window -9e-3 -3e-3` (an MTJ's window) failed; every command takes physical
        # numbers in scientific notation, and none has an option that looks like one
        command._negative_number_matcher = NEGATIVE_NUMBER
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def format_figures(**figures: object) -> str:
    """``key=value`` pairs on one line; floats with 6 significant digits."""
    parts = []
    for key, value in figures.items():
        if isinstance(value, float):
            text = f"{value:.6g}"
        else:
            text = str(value)
        parts.append(f"{key}={text}")
    return " ".join(parts)


def print_figures(**figures: object) -> None:
    """Print the closing ``key=value`` line of a command (stdout, flushed)."""
    print(format_figures(**figures), flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except InputError as error:
        print(f"multiscale {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"multiscale {args.command}: interrupted; finished work is kept and a rerun "
            "resumes",
            file=sys.stderr,
        )
        return 130
    except Exception as error:  # noqa: BLE001 - the front door: a bug, not a user's mistake
        command_line = sys.argv[1:] if argv is None else list(argv)
        log = write_traceback_log(args.command, getattr(args, "out", None), command_line)
        where = f"traceback in {log}" if log else "no log could be written; traceback above"
        if log is None:
            traceback.print_exc()
        print(f"multiscale {args.command}: internal error: {_one_line(error)}; {where}",
              file=sys.stderr)
        return 1


def _one_line(error: BaseException, limit: int = 300) -> str:
    """``Type: message`` of an exception on one line, at most ``limit`` characters."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def write_traceback_log(command: str, out: str | None, argv: list[str]) -> Path | None:
    """Write the command line and the traceback of the exception being handled into a new
    log file.

    The file is ``multiscale-<command>-<timestamp>-XXXX.log`` in the command's output folder
    (``--out``) when that folder exists and can be written, else in the system's temporary
    folder (:func:`tempfile.gettempdir`). Returns its path, or None when neither place could
    be written.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folders = [Path(out)] if out and Path(out).is_dir() else []
    for folder in [*folders, Path(tempfile.gettempdir())]:
        try:
            handle, name = tempfile.mkstemp(prefix=f"multiscale-{command}-{stamp}-",
                                            suffix=".log", dir=folder)
            with open(handle, "w", encoding="utf-8") as log:
                log.write(f"multiscale {' '.join(map(str, argv))}\n\n")
                log.write(traceback.format_exc())
        except OSError:
            continue
        return Path(name)
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
