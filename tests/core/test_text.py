from chanye.core.text import clean_cell, normalize_company_name, to_halfwidth

PREFIXES = ("湖北省", "湖北", "咸宁市", "咸宁", "嘉鱼县", "嘉鱼")


def test_fullwidth_ascii_and_ideographic_space_become_halfwidth():
    assert to_halfwidth("ＡＢＣ１２３（）\u3000") == "ABC123() "


def test_empty_markers_become_none():
    for v in ["—", "/", " 空 ", "", "N/A", "--"]:
        assert clean_cell(v) is None


def test_company_names_match_after_legal_form_and_region_prefix_are_removed():
    a = normalize_company_name("咸宁市 华劲铝业有限责任公司", PREFIXES)
    b = normalize_company_name("华劲铝业有限公司", PREFIXES)
    c = normalize_company_name("湖北华劲铝业股份有限公司", PREFIXES)
    assert a == b == c == "华劲铝业"


def test_bracketed_region_in_name_is_ignored():
    assert normalize_company_name("华劲铝业（咸宁）有限公司", PREFIXES) == "华劲铝业"


def test_prefix_is_not_stripped_when_nothing_would_remain():
    assert normalize_company_name("嘉鱼有限公司", PREFIXES) == "嘉鱼"
