"""Print the wheel build's settings as `key=value` lines, for .github/workflows/wheels.yml.

- maturin: the version pinned in scripts/dist-requirements.txt (what `make wheel` uses);
- manylinux: pyproject's [tool.maturin] compatibility, in maturin-action's spelling
  (manylinux2014 -> 2014, manylinux_2_28 -> 2_28), which picks the build container.
"""

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent

requirements = (ROOT / "scripts" / "dist-requirements.txt").read_text()
maturin = re.search(r"^maturin==(\S+)", requirements, re.M)
compat = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["maturin"]["compatibility"]
manylinux = re.fullmatch(r"manylinux_?(\w+)", compat)
if not maturin or not manylinux:
    raise SystemExit(f"cannot read maturin's pin or the manylinux policy ({compat!r})")
print(f"maturin={maturin.group(1)}")
print(f"manylinux={manylinux.group(1)}")
