"""Errors the CLI reports as a user's mistake (exit code 2, no traceback)."""


class InputError(ValueError):
    """Bad user input: a config key, a value or a file that cannot be used.

    The message names the key, the value and what is allowed.
    """
