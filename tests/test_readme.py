"""The README's Python example runs and does what it says."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no Python example"
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert namespace["series"].sizes["time"] == 101  # 1 ns sampled every 10 ps, both ends
    fitted = namespace["fitted"]
    # noise-free synthetic data: the fit recovers the generating parameters (tests/compact)
    assert abs(fitted.f0 / 4.3e8 - 1) < 1e-3 and abs(fitted.I_th / 4e-3 - 1) < 1e-3
