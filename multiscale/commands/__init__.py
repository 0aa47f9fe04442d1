"""Subcommands of the ``multiscale`` CLI, one module each.

Each module exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Its top-level imports are stdlib only, so that ``multiscale --help`` answers at once.
"""
