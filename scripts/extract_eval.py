"""Precision and recall of chanye.targets.extract on two labelled sets: the one built from the seed documents
(tests/data/targets_labelled.jsonl, rewards_labelled.jsonl) and the one from 15 texts of other provinces and cities
(tests/data/policy_other/, other_targets_labelled.jsonl, other_rewards_labelled.jsonl — labelled by reading before
any extractor run; see its README).

A target proposal matches a label when value, unit, comparator and year agree and one sentence contains the other
(or they share 10+ characters); a reward proposal when the sentences overlap and the amount or the rate agrees and
the cap agrees where the label has one.
Run: .venv/bin/python scripts/extract_eval.py [-v] [--other | --heldout]
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


OTHER = DATA / "policy_other"
# Sets of other provinces' texts: "other" was used while developing; "heldout" was labelled afterwards and measured once
# before any change made for it (tests/data/policy_heldout/README.md).
SETS = {"other": (OTHER, "other"), "heldout": (DATA / "policy_heldout", "heldout")}


def _folder(other: bool | str) -> Path:
    return SETS["heldout" if other == "heldout" else "other"][0]


def _text(doc: str, other: bool | str) -> str:
    if other:  # without the file's own header (# 标题/来源/发布/地区: the collector's notes, not the text)
        lines = (_folder(other) / f"{doc}.txt").read_text(encoding="utf-8").splitlines()
        return "\n".join(line for line in lines if not line.startswith("# "))
    return (SEEDS / NAMES[doc]).read_text(encoding="utf-8")


def _labels(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _prefix(other: bool | str) -> str:
    return ("heldout_" if other == "heldout" else "other_") if other else ""


def evaluate(verbose: bool = False, other: bool | str = False) -> dict[str, dict[str, float]]:
    labels = _labels(f"{_prefix(other)}targets_labelled.jsonl")
    docs = sorted({lab["doc"] for lab in labels} | ({p.stem for p in _folder(other).glob("*.txt")} if other else set()))
    result: dict[str, dict[str, float]] = {}
    tot = {"tp_p": 0, "n_p": 0, "tp_l": 0, "n_l": 0}
    for doc in docs:
        props = extract_targets(_text(doc, other))
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
                        f"  MISS {doc} {lab.get('rule', '')} {lab['value']}{lab['unit']} {lab['comparator']} "
                        f"{lab['year']} "
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


def evaluate_rewards(verbose: bool = False, other: bool | str = False) -> dict[str, float]:
    labels = _labels(f"{_prefix(other)}rewards_labelled.jsonl")
    tp = n_props = found = 0
    docs = {lab["doc"] for lab in labels} | ({p.stem for p in _folder(other).glob("*.txt")} if other else set())
    for doc in sorted(docs):
        props = extract_rewards(_text(doc, other))
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
                        f"  MISS reward {doc} {lab.get('rule', '')} amount={lab['amount']} rate={lab['rate']} "
                        f"cap={lab['cap']} "
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
    other: bool | str = "heldout" if "--heldout" in sys.argv else "--other" in sys.argv
    for doc, r in evaluate(verbose, other).items():
        print(
            f"targets {doc}: precision {r['precision']:.2f} recall {r['recall']:.2f} "
            f"({int(r['proposals'])} proposals, {int(r['labels'])} labels)"
        )
    r = evaluate_rewards(verbose, other)
    print(
        f"rewards: precision {r['precision']:.2f} recall {r['recall']:.2f} "
        f"({r['proposals']} proposals, {r['labels']} labels)"
    )


if __name__ == "__main__":
    main()
