"""统一社会信用代码 validation (GB 32100-2015): character set, structure, check character."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from chanye.core import uscc
from chanye.core.uscc_gen import make_uscc, with_bad_check

KNOWN_VALID = [
    "91350100M000100Y43",  # a widely published example
    "91421200MA4F000000",  # the template's example
]


def test_known_valid_codes_pass():
    for code in KNOWN_VALID:
        assert uscc.problems(code) == [], code


def test_wrong_length_is_reported_in_chinese():
    (p,) = uscc.problems("91350100M000100Y4")
    assert p.code == "length" and "18位" in p.message


def test_forbidden_letters_ioszv_are_named():
    (p,) = uscc.problems("91350100M000100I43")
    assert p.code == "charset" and "I" in p.message and "不使用" in p.message


def test_wrong_check_character_says_what_it_should_be():
    (p,) = uscc.problems("91350100M000100Y44")
    assert p.code == "check" and "“3”" in p.message


def test_region_positions_must_be_digits():
    body = "91A50100M000100Y4"
    code = body + uscc.check_char(body)
    assert [p.code for p in uscc.problems(code)] == ["region"]


def test_normalize_accepts_fullwidth_spaces_and_lower_case():
    assert uscc.normalize(" ９１３５０１００m０００１００y４３ ") == "91350100M000100Y43"
    assert uscc.is_valid("91350100 m000100y43")


_chars = st.sampled_from(uscc.ALPHABET)


@given(
    st.text(alphabet=uscc.ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9),
)
def test_any_body_with_its_computed_check_character_is_valid(head, region, org):
    body = head + region + org
    assert uscc.problems(body + uscc.check_char(body)) == []


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17), _chars)
def test_changing_the_check_character_makes_a_code_invalid(body, other):
    body = body[:2] + "421200" + body[8:]
    good = uscc.check_char(body)
    if other != good:
        assert any(p.code == "check" for p in uscc.problems(body + other))


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=16))
def test_a_single_substituted_character_is_always_detected(seed, pos):
    code = make_uscc(random.Random(seed))
    alt = next(c for c in uscc.ALPHABET if c != code[pos] and (pos not in range(2, 8) or c.isdigit()))
    mutated = code[:pos] + alt + code[pos + 1 :]
    assert uscc.problems(mutated)


def test_generator_makes_valid_codes_and_bad_check_variant_fails():
    rng = random.Random(1)
    for _ in range(200):
        code = make_uscc(rng)
        assert uscc.is_valid(code)
        assert not uscc.is_valid(with_bad_check(code))
