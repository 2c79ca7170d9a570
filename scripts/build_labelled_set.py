"""Build tests/data/targets_labelled.jsonl and rewards_labelled.jsonl from the packs' targets and rewards.

The packs were written by reading the seed texts (each target carries its exact `source_text`), independently of the
extractor, so their targets are a labelled set for it. Baseline figures (params.baseline) are not targets and are
left out. Run: .venv/bin/python scripts/build_labelled_set.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chanye.industry import schema  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
# The parameters a sentence itself states: the revenue line (threshold), the grade, and the recognition level (国家级/
# 省级: “国家级制造业单项冠军” is the series single_champion_count level=national, XN-CL-3).
LABEL_PARAMS = ("threshold", "threshold_unit", "grade", "level")
DOCS = {
    "000_b37abdc7448489cf.txt": "000",
    "001_ad3b9516b934926c.txt": "001",
    "002_a0bbc2eb2d0b3706.txt": "002",
    "003_d33abf0026bc2744.txt": "003",
    "004_7005fbc34d4815fb.txt": "004",
}


def main() -> None:
    texts = {DOCS[p.name]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt") if p.name in DOCS}
    targets, rewards, seen = [], [], set()
    for pack in sorted((ROOT / "packs").glob("*.yaml")):
        spec = schema.read(pack)
        for t in spec.targets:
            if t.params.get("baseline") or not t.source_text:
                continue
            doc = next(
                (d for d, text in texts.items() if t.source_text in text and d == DOCS.get(spec.source, d)), None
            )
            doc = doc or next((d for d, text in texts.items() if t.source_text in text), None)
            if doc is None:
                continue
            key = (doc, t.source_text, str(t.value), t.unit)
            if key in seen:
                continue
            seen.add(key)
            targets.append(
                {
                    "doc": doc,
                    "rule": t.rule,
                    "sentence": t.source_text,
                    "label": t.label,
                    "value": format(t.value.normalize(), "f"),
                    "unit": t.unit,
                    "comparator": t.comparator,
                    "year": t.year,
                    "per_year": t.per_year,
                    "indicator": t.indicator,
                    "params": {k: v for k, v in t.params.items() if k in LABEL_PARAMS},
                }
            )
        for r in spec.rewards:
            doc = next((d for d, text in texts.items() if r.source_text and r.source_text in text), None)
            if doc is None:
                continue
            rewards.append(
                {
                    "doc": doc,
                    "rule": r.rule,
                    "sentence": r.source_text,
                    "amount": None if r.amount is None else format(r.amount.normalize(), "f"),
                    "rate": None if r.rate is None else format(r.rate.normalize(), "f"),
                    "cap": None if r.cap is None else format(r.cap.normalize(), "f"),
                }
            )
    # XN-LZ-1 (1–3 chain leaders per key industry) is a rule in the packs, not a target; its sentences are targets.
    import re

    for m in re.finditer(r"[^。；\n]*?(?:培育|引进|遴选)[^。；\n]*?1\s*[—\-]\s*3\s*家[^。；\n]*", texts.get("000", "")):
        frag = re.search(r"[^，,]*1\s*[—\-]\s*3\s*家[^，,]*", m.group(0)).group(0).strip()
        targets.append(
            {
                "doc": "000",
                "rule": "XN-LZ-1",
                "sentence": frag,
                "label": "链主企业",
                "value": "1",
                "unit": "家",
                "comparator": ">=",
                "year": None,
                "per_year": False,
                "indicator": "chain_leader_count",
                "params": {"upper": "3"},
            }
        )
    out = ROOT / "tests" / "data"
    with (out / "targets_labelled.jsonl").open("w", encoding="utf-8") as f:
        for t in targets:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    with (out / "rewards_labelled.jsonl").open("w", encoding="utf-8") as f:
        for r in rewards:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(targets)} targets, {len(rewards)} rewards")


if __name__ == "__main__":
    main()
