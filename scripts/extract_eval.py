"""Precision and recall of chanye.targets.extract on the labelled set built from the seeds.

A proposal matches a label when value, unit, comparator and year agree and one sentence contains the other.
Run: .venv/bin/python scripts/extract_eval.py [-v]
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chanye.targets.extract import extract_rewards, extract_targets  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
DATA = ROOT / "tests" / "data"
NAMES = {
    "000": "000_b37abdc7448489cf.txt",
    "001": "001_ad3b9516b934926c.txt",
    "002": "002_a0bbc2eb2d0b3706.txt",
    "003": "003_d33abf0026bc2744.txt",
    "004": "004_7005fbc34d4815fb.txt",
}


def _same(a: str | None, b: str | None) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return Decimal(str(a)) == Decimal(str(b))


UNIT_CLASSES = {"个": "家", "户": "家"}  # "2个以上百亿级企业" counts enterprises


def _unit(u: str) -> str:
    return UNIT_CLASSES.get(u, u)


def _overlap(a: str, b: str) -> bool:
    """One sentence holds the other, or they share a run of 10+ characters (a target stated twice in a
    document is labelled once)."""
    if a in b or b in a:
        return True
    from difflib import SequenceMatcher

    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= 10


def evaluate(verbose: bool = False) -> dict[str, dict[str, float]]:
    labels = [json.loads(line) for line in (DATA / "targets_labelled.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = sorted({lab["doc"] for lab in labels})
    result: dict[str, dict[str, float]] = {}
    tot = {"tp_p": 0, "n_p": 0, "tp_l": 0, "n_l": 0}
    for doc in docs:
        text = (SEEDS / NAMES[doc]).read_text(encoding="utf-8")
        props = extract_targets(text)
        labs = [lab for lab in labels if lab["doc"] == doc]

        def match(p, lab):
            return (
                _same(p.value, lab["value"])
                and _unit(p.unit) == _unit(lab["unit"])
                and p.comparator == lab["comparator"]
                and p.year == lab["year"]
                and _overlap(p.sentence, lab["sentence"])
            )

        tp_props = [p for p in props if any(match(p, lab) for lab in labs)]
        found = [lab for lab in labs if any(match(p, lab) for p in props)]
        # a proposal in a sentence no label comes from cannot be judged against this set: count it as a false positive
        precision = len(tp_props) / len(props) if props else 1.0
        recall = len(found) / len(labs) if labs else 1.0
        result[doc] = {"precision": precision, "recall": recall, "proposals": len(props), "labels": len(labs)}
        tot["tp_p"] += len(tp_props)
        tot["n_p"] += len(props)
        tot["tp_l"] += len(found)
        tot["n_l"] += len(labs)
        if verbose:
            for lab in labs:
                if lab not in found:
                    near = [p for p in props if _overlap(p.sentence, lab["sentence"])]
                    print(
                        f"  MISS {doc} {lab['rule']} {lab['value']}{lab['unit']} {lab['comparator']} {lab['year']} "
                        f"«{lab['sentence'][:50]}» got {[(p.value, p.unit, p.comparator, p.year) for p in near][:3]}"
                    )
            for p in props:
                if p not in tp_props:
                    print(f"  FP   {doc} {p.value}{p.unit} {p.comparator} {p.year} «{p.sentence[:60]}»")
    result["all"] = {
        "precision": tot["tp_p"] / max(1, tot["n_p"]),
        "recall": tot["tp_l"] / max(1, tot["n_l"]),
        "proposals": tot["n_p"],
        "labels": tot["n_l"],
    }
    return result


def evaluate_rewards(verbose: bool = False) -> dict[str, float]:
    labels = [json.loads(line) for line in (DATA / "rewards_labelled.jsonl").read_text(encoding="utf-8").splitlines()]
    tp = n_props = found = 0
    for doc in sorted({lab["doc"] for lab in labels}):
        text = (SEEDS / NAMES[doc]).read_text(encoding="utf-8")
        props = extract_rewards(text)
        labs = [lab for lab in labels if lab["doc"] == doc]

        def match(p, lab):
            return (
                _overlap(p.sentence, lab["sentence"])
                and (_same(p.amount, lab["amount"]) or _same(p.rate, lab["rate"]))
                and (lab["cap"] is None or _same(p.cap, lab["cap"]))
            )

        n_props += len(props)
        tp += sum(1 for p in props if any(match(p, lab) for lab in labs))
        found += sum(1 for lab in labs if any(match(p, lab) for p in props))
        if verbose:
            for lab in labs:
                if not any(match(p, lab) for p in props):
                    near = [(p.amount, p.rate, p.cap) for p in props if _overlap(p.sentence, lab["sentence"])]
                    print(
                        f"  MISS reward {doc} {lab['rule']} amount={lab['amount']} rate={lab['rate']} cap={lab['cap']} "
                        f"«{lab['sentence'][:50]}» got {near}"
                    )
    return {
        "precision": tp / max(1, n_props),
        "recall": found / max(1, len(labels)),
        "proposals": n_props,
        "labels": len(labels),
    }


def main() -> None:
    verbose = "-v" in sys.argv
    for doc, r in evaluate(verbose).items():
        print(
            f"targets {doc}: precision {r['precision']:.2f} recall {r['recall']:.2f} "
            f"({int(r['proposals'])} proposals, {int(r['labels'])} labels)"
        )
    r = evaluate_rewards(verbose)
    print(
        f"rewards: precision {r['precision']:.2f} recall {r['recall']:.2f} "
        f"({r['proposals']} proposals, {r['labels']} labels)"
    )


if __name__ == "__main__":
    main()
