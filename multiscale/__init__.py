"""multiscale: the chain from STNO micromagnetics to network accuracy, as one tool.

Configs, the provenance store, data loaders, the pipeline and the ``multiscale`` CLI.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stno-multiscale")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
