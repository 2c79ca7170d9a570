"""`Engine.records_with`: several queries over tables computed once in the same statement (the indicators' measures)."""

from __future__ import annotations

import pytest

from chanye.analytics.engine import connect

pytestmark = pytest.mark.django_db


def test_each_query_gets_its_rows_and_an_empty_list_for_none():
    engine = connect()
    try:
        shared = {"measures": "SELECT * FROM (VALUES (1, 'a', 2.5), (2, 'a', NULL), (3, 'b', 1.0)) AS v(id, k, x)"}
        got = engine.records_with(
            shared,
            {
                "by_k": 'SELECT k, sum(x) AS "s|x", count(*) AS n FROM measures GROUP BY k',
                "none": "SELECT id FROM measures WHERE id > 9",
            },
        )
    finally:
        engine.close()
    assert sorted(got["by_k"], key=lambda r: r["k"]) == [{"k": "a", "s|x": 2.5, "n": 2}, {"k": "b", "s|x": 1.0, "n": 1}]
    assert got["none"] == []
