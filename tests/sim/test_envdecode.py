"""Unit tests of the LIFERAY_* decoder and the Docker env-file reader (docs/liferay-model.md §2).

Section numbers (§N) in this file refer to docs/liferay-model.md.
"""

import pytest

from liferay_sim import envdecode


@pytest.mark.parametrize("name, expected, warnings", [
    ("abc_COLON_D_COMMA__CARET_E_OPENBRACKET_F_CLOSEBRACKET__LOWERCASEG__UNDERLINE__UPPERCASEH_",
     "abc:D,^E[F]g_H", []),
    ("abc_58_D_44__94_E_91_F_93_", "abc:D,^E[F]", []),
    ("abc_DEF", "abc_DEF", []),
    ("abc_xyz_D_-1__DEF__GH", "abc_xyz_D_-1__DEF__GH", ["xyz", "-1", "DEF"]),
    ("abc__def", "abc__def", [""]),
])
def test_decoder_examples_of_envpropertiesutiltest(name, expected, warnings):
    """§2.1: the EnvPropertiesUtilTest examples, decode() without lower-casing, with their warnings."""
    seen = []
    assert envdecode.decode(name, seen) == expected
    assert seen == warnings


@pytest.mark.parametrize("variable, key", [
    ("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST", "mail.session.mail.smtp.host"),
    ("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP_NUMBER3__PERIOD_HOST", "mail.session.mail.pop3.host"),
    ("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_POP3_PERIOD_HOST", "mail.session.mail.pop3.host"),
    ("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_STARTTLS_PERIOD_ENABLE",
     "mail.session.mail.smtp.starttls.enable"),
    ("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_JNDI_PERIOD_NAME", "mail.session.jndi.name"),
    ("LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_ADVANCED_PERIOD_PROPERTIES",
     "mail.session.mail.advanced.properties"),
    ("LIFERAY_JSP_PERIOD_ENGINE_PERIOD_ENABLE_UPPERCASEP_OOLING", "jsp.engine.enablePooling"),
    ("LIFERAY__UPPERCASEJ_EDI_SPACE__UPPERCASEK_NIGHT", "Jedi Knight"),
    ("LIFERAY_SETUP_PERIOD_WIZARD_PERIOD_ENABLED", "setup.wizard.enabled"),
    ("LIFERAY_A_46_B_95_C", "a.b_c"),
])
def test_variable_names_decode_to_property_keys(variable, key):
    """§2.1: prefix stripped, remainder lower-cased, CharPool names and code points; plain digits stay literal."""
    assert envdecode.property_overrides({variable: "v"}) == [(key, "v", variable)]


def test_digit_only_token_is_a_code_point_not_a_digit():
    """§2.1: `_3_` means code point 3, not the character '3'."""
    assert envdecode.decode("pop_3_") == "pop\x03"


def test_include_and_override_and_company_variables_are_not_properties():
    """§2.2 and §1.6: include-and-override is for the loader; LIFERAY_PROPS_BY_COMPANY_<id> is not decoded."""
    environ = {"LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE": "a.properties, b.properties",
               "LIFERAY_PROPS_BY_COMPANY_20097": "x=1", "PATH": "/bin", "liferay_lower": "x"}
    assert envdecode.property_overrides(environ) == []
    assert envdecode.include_and_override(environ) == ["a.properties", "b.properties"]
    assert envdecode.company_properties_text(environ, 20097) == "x=1"


def test_env_file_is_read_like_docker(tmp_path):
    """Docker's --env-file format (what Liferay makes of the variables is §2): comments, verbatim values
    (quotes kept), bare names copy the caller's value."""
    path = tmp_path / "liferay.env"
    path.write_text("# comment\n\n  LIFERAY_A=x y \nLIFERAY_B=\"quoted\"\nLIFERAY_C\nLIFERAY_D\nLIFERAY_E=a=b\n")
    assert envdecode.read_env_file(str(path), {"LIFERAY_C": "from-env"}) == {
        "LIFERAY_A": "x y ", "LIFERAY_B": '"quoted"', "LIFERAY_C": "from-env", "LIFERAY_E": "a=b"}
    path.write_text("BAD NAME=1\n")
    with pytest.raises(ValueError):
        envdecode.read_env_file(str(path), {})


@pytest.mark.parametrize("token, char", [
    ("PRIME", "`"), ("DELETE", "\x7f"), ("RAQUO", "\u00bb"), ("NOBREAKSPACE", "\u00a0"),
    ("NARROWNOBREAKSPACE", "\u202f"), ("FIGURESPACE", "\u2007"), ("ARABICDECIMALSEPARATOR", "\u066b"),
])
def test_every_charpool_field_decodes(token, char):
    """§2.1, EnvPropertiesUtil._getCharPoolChars: the char fields of CharPool without underscores."""
    assert envdecode.decode("a_%s_b" % token.lower()) == "a%sb" % char


@pytest.mark.parametrize("token", ["backtick", "doublequote", "graveaccent"])
def test_names_that_are_not_charpool_fields_stay_literal(token):
    """§2.1: CharPool has no BACKTICK, DOUBLEQUOTE or GRAVEACCENT field (the backtick is PRIME)."""
    seen = []
    assert envdecode.decode("a_%s_b" % token, seen) == "a_%s_b" % token
    assert seen == [token]


@pytest.mark.parametrize("token, decoded", [
    ("+46", "."), ("046", "."), ("-0", "\x00"), ("888", "_888_"), ("99999999999", "_99999999999_"),
    ("\u0664\u0666", "_\u0664\u0666_"),
])
def test_numeric_tokens_follow_getterutil_and_character_isdefined(token, decoded):
    """§2.1: GetterUtil.get(token, -1) (ASCII digits, int range), then Character.isDefined."""
    assert envdecode.decode("x_%s_" % token) == "x" + decoded


def test_only_the_exact_include_variable_adds_files():
    """§1.6, ClassLoaderAggregateProperties._addURLProperties reads LIFERAY_INCLUDE_MINUS_AND_MINUS_OVERRIDE only."""
    assert envdecode.include_and_override({"LIFERAY_INCLUDE_45_AND_45_OVERRIDE": "a.properties"}) == []
    assert envdecode.property_overrides({"LIFERAY_INCLUDE_45_AND_45_OVERRIDE": "a.properties"}) == []
