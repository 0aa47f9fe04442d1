"""Errors the CLI reports as a user's mistake (exit code 2, no traceback)."""


class InputError(ValueError):
    """Bad user input: a config key, a value or a file that cannot be used.

    The message names the key, the value and what is allowed.
    """


class DeviceError(InputError):
    """The chosen device's physics does not allow a stage (no oscillation to calibrate, a
    frequency plan out of its reach, ...).

    A single run reports it as bad input (exit code 2: the config chose the device); a study
    records it as the outcome of that point: NaN accuracy and this message.
    """


class NetworkPlanError(DeviceError):
    """The network cannot be built for these oscillators (bands out of reach, flat f(I))."""
