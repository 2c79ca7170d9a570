"""Regenerate tests/data/relatedness_reference.json: the reference figures of the Growth Lab's `ecomplexity` package
(PyPI `ecomplexity`, 0.5.3) on a fixed region × industry matrix, which tests/analytics/test_relatedness.py compares
chanye.analytics.relatedness against. `ecomplexity` pulls scikit-learn and scipy, so it is not a chanye dependency;
run this in a scratch venv:  python -m venv /tmp/eco && /tmp/eco/bin/pip install ecomplexity &&
/tmp/eco/bin/python scripts/relatedness_reference.py"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from ecomplexity import ecomplexity, proximity

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "relatedness_reference.json"


def main() -> None:
    rng = np.random.default_rng(2026)
    regions = [f"R{i}" for i in range(9)]
    industries = [f"I{j:02d}" for j in range(12)]
    x = np.round(rng.lognormal(mean=3, sigma=1.4, size=(len(regions), len(industries))), 2)
    x[rng.random(x.shape) < 0.2] = 0.0  # some regions have no output in some industries
    rows = [
        {"t": 2025, "loc": r, "prod": p, "val": float(x[i, j])}
        for i, r in enumerate(regions)
        for j, p in enumerate(industries)
    ]
    df = pd.DataFrame(rows)
    cols = {"time": "t", "loc": "loc", "prod": "prod", "val": "val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(df, cols).set_index(["loc", "prod"])
        prox = proximity(df, cols).set_index(["prod_1", "prod_2"])
    pick = lambda col: [[float(out.loc[(r, p), col]) for p in industries] for r in regions]  # noqa: E731
    data = {
        "source": "ecomplexity 0.5.3 (Growth Lab), default settings: RCA ≥ 1, discrete symmetric proximity",
        "regions": regions,
        "industries": industries,
        "x": x.tolist(),
        "rca": pick("rca"),
        "mcp": pick("mcp"),
        "density": pick("density"),
        "eci": [float(out.loc[(r, industries[0]), "eci"]) for r in regions],
        "pci": [float(out.loc[(regions[0], p), "pci"]) for p in industries],
        "proximity": [[float(prox.loc[(a, b), "proximity"]) for b in industries] for a in industries],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
