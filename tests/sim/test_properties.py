"""Unit tests of the Commons Configuration 1.x reading rules (docs/liferay-model.md §1).

Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

import pytest

from liferay_sim import properties
from liferay_sim.properties import PortalProperties, Source, load_portal_properties, parse_properties


def value_of(text, key="k"):
    config = PortalProperties([Source("file", parse_properties(text))])
    return config.get(key)


@pytest.mark.parametrize("line, expected", [
    ("k=a,b", "a,b"), ("k=a , b", "a,b"), ("k=a,,b", "a,,b"), ("k=a,", "a,"), ("k=,a", ",a"),
    ("k= x ", "x"), ("k=a\\,b", "a,b"), ("k=a\\, b", "a, b"),
    ("k=a\\\\b", "a\\b"), ("k=a\\qb", "aqb"), ("k=a\\\\\\\\b\\,c", "a\\b,c"),
    ("k=,a\\,b", ",a\\,b"), ("k=\\u0041\\u0020", "A "), ("k=tab\\there", "tab\there"),
    ("k:colon", "colon"), ("k   spaced", "spaced"), ("k = = x", "= x"), ("k=trailing\\\\", "trailing\\"),
])
def test_worked_examples(line, expected):
    """§1: file text -> the value Liferay returns (trim, split rule, \\, and the second backslash pass)."""
    assert value_of(line) == expected


def test_continuation_lines_lose_leading_whitespace_and_skip_comments():
    """§1.1: odd trailing backslashes join lines; the next line is trimmed; comments are skipped."""
    assert value_of("k=abc\\\n    def\n") == "abcdef"
    assert value_of("k=abc\\\n# comment\n\n  def") == "abcdef"
    assert value_of("k=abc\\\\\nother=1") == "abc\\"


def test_key_defined_twice_becomes_a_comma_list_without_interpolation():
    """§1.4/§1.5: duplicates accumulate into a list; lists are merged with ',' and never interpolated."""
    assert value_of("k=a\nk=b") == "a,b"
    assert value_of("x=1\nk=${x},y") == "${x},y"


def test_interpolation_and_escape():
    """§1.5: ${key} is replaced, unresolvable references stay, $${ gives a literal ${."""
    text = "host=smtp.example.com\nk=${host}:25\nu=${nope}\ne=$${host}\nloop=${loop}"
    assert value_of(text) == "smtp.example.com:25"
    assert value_of(text, "u") == "${nope}"
    assert value_of(text, "e") == "${host}"
    assert value_of("k=a$${b},c") == "a$${b},c"


def test_a_reference_cycle_is_an_error():
    """§1.5, commons-lang StrSubstitutor.checkCyclicSubstitution: ${k} inside k throws (Infinite loop)."""
    with pytest.raises(properties.PropertiesSyntaxError, match="Infinite loop"):
        value_of("loop=${loop}", "loop")
    with pytest.raises(properties.PropertiesSyntaxError, match="Infinite loop"):
        value_of("a=${b}\nb=x${a}", "a")


def test_reference_to_a_list_key_is_its_first_element():
    """§1.5, AbstractConfiguration.resolveContainerStore: ${list} is the list's first element, raw."""
    assert value_of("list=a , b\nk=<${list}>") == "<a>"
    assert value_of("list=a\nlist=b\nk=${list}") == "a"
    assert value_of("list=${x},b\nx=1\nk=${list}") == "1"


def test_line_without_separator_is_key_empty():
    """§1.2, PropertiesReader.doParseProperty: no match of PROPERTY_PATTERN gives key "" and value ""."""
    assert parse_properties("justakey\n") == {"": [""]}
    assert parse_properties("k=a\u2028b\n") == {"": [""]}
    assert parse_properties("k a\n") == {"k": ["a"]}


def test_continuation_open_at_end_of_file_is_dropped():
    """§1.1, PropertiesReader.readProperty returns null when the file ends inside a continuation."""
    assert parse_properties("a=1\nk=abc\\") == {"a": ["1"]}
    assert parse_properties("a=1\nk=abc\\\n# comment\n\n") == {"a": ["1"]}


def test_unicode_escape_cut_by_the_end_of_the_value_is_dropped():
    """§1.3, PropertiesConfiguration.unescapeJava never flushes an unfinished \\u escape."""
    assert value_of("k=abc\\u12") == "abc"
    assert parse_properties("k\\u0=v") == {"k": ["v"]}


def test_bad_unicode_escape_is_a_syntax_error():
    """§1.3: bad hex in \\uXXXX is an error (the file is not loaded)."""
    with pytest.raises(properties.PropertiesSyntaxError):
        parse_properties("k=\\u00zz")


def test_env_values_skip_java_unescaping_but_are_split_twice():
    """§2.3: env values get no escape processing; comma values are split (twice), comma-free ones are verbatim."""
    assert properties.env_value("a\\tb") == ["a\\tb"]
    assert properties.env_value("a , b") == ["a", "b"]
    assert properties.env_value("x\\,y") == ["x", "y"]


def test_chain_order_includes_setup_wizard_and_env(tmp_path):
    """§1.6/§2: defaults < portal-ext < its includes < portal-setup-wizard < LIFERAY_* variables."""
    (tmp_path / "portal-ext.properties").write_text(
        "a=ext\nb=ext\nc=ext\nd=ext\ninclude-and-override=mail.properties,${liferay.home}/missing.properties\n")
    (tmp_path / "mail.properties").write_text("b=include\nc=include\nd=include\n")
    (tmp_path / "portal-setup-wizard.properties").write_text("c=wizard\nd=wizard\n")
    config = load_portal_properties(str(tmp_path), {"LIFERAY_D": "env"})
    assert [config.get_with_layer(k) for k in "abcd"] == [
        ("ext", "portal-ext.properties"), ("include", "mail.properties"),
        ("wizard", "portal-setup-wizard.properties"), ("env", "env")]
    assert config.get_with_layer("mail.session.mail.smtp.port") == ("25", "default")
    assert config.get("liferay.home") == str(tmp_path)


def test_include_variable_and_per_company_properties(tmp_path):
    """§1.6/§2.4: the include-and-override variable appends files; LIFERAY_PROPS_BY_COMPANY_<id> is for one
    company."""
    (tmp_path / "extra.properties").write_text("a=extra\n")
    environ = {"LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE": "extra.properties",
               "LIFERAY_PROPS_BY_COMPANY_20097": "b=company\n"}
    assert load_portal_properties(str(tmp_path), environ, 20097).get_with_layer("b") == \
        ("company", "env:LIFERAY_PROPS_BY_COMPANY_20097")
    assert load_portal_properties(str(tmp_path), environ, 20098).get("b") is None
    assert load_portal_properties(str(tmp_path), environ, 20098).get_with_layer("a") == ("extra", "extra.properties")


def test_relative_include_is_located_like_configurationutils_locate(tmp_path):
    """§1.6, ClassLoaderAggregateProperties._addFileProperties -> ConfigurationUtils.locate: working
    directory (the Liferay home here), then user.home; never the directory of the including file."""
    home = tmp_path / "home"
    etc = tmp_path / "etc"
    user = tmp_path / "user"
    for path in (home, etc, user):
        path.mkdir()
    (home / "portal-ext.properties").write_text("include-and-override=%s/site.properties\n" % etc)
    (etc / "site.properties").write_text("a=site\ninclude-and-override=next.properties,user.properties\n")
    (etc / "next.properties").write_text("a=beside-the-including-file\n")
    (user / "user.properties").write_text("b=user-home\n")
    config = load_portal_properties(str(home), {"HOME": str(user)})
    assert config.get_with_layer("a") == ("site", "site.properties")
    assert config.get_with_layer("b") == ("user-home", "user.properties")
    (home / "next.properties").write_text("a=working-dir\n")
    assert load_portal_properties(str(home), {}).get_with_layer("a") == ("working-dir", "next.properties")
    assert load_portal_properties(str(home), {}, working_dir=str(user)).get("a") == "site"


def test_props_by_company_values_are_split_twice():
    """§2.4: LIFERAY_PROPS_BY_COMPANY_<id> keys go through setProperty like other environment values."""
    environ = {"LIFERAY_PROPS_BY_COMPANY_20097": "k=a\\\\,b , c\n"}
    assert load_portal_properties("/nonexistent", environ, 20097).get("k") == "a,b,c"


def test_commons_include_directive_loads_beside_the_file_or_fails_the_file(tmp_path):
    """§1.7, PropertiesConfiguration.propertyLoaded/loadIncludeFile: "include" loads a file relative to the
    including file; a name that cannot be resolved makes the whole file fail to load."""
    (tmp_path / "part.properties").write_text("b=2\n")
    assert parse_properties("a=1\ninclude=part.properties\n", str(tmp_path)) == {"a": ["1"], "b": ["2"]}
    with pytest.raises(properties.PropertiesSyntaxError, match="Cannot resolve include file"):
        parse_properties("a=1\ninclude=missing.properties\n", str(tmp_path))
