"""The simulator's .config reader against Liferay's own portal-file-install tests (docs/liferay-model.md §6)."""

import pytest

from liferay_sim.felix import ConfigSyntaxError, parse_config


def test_typed_values_arrays_and_comments():
    """ConfigurationHandlerTest.testRead*: B, I, L, plain strings, arrays and collections; comments on top."""
    text = ('# a comment\n'
            'enableStartTLS=B"false"\n'
            'port=I"587"\n'
            'companyId = L"20097"\n'
            'outgoingSMTPServer="smtp.example.com"\n'
            'list=["a", "b",\\\n  "c"]\n'
            'empty=[]\n'
            'coll=I("1","2")\n'
            ' spaced = "x"\n')
    assert parse_config(text) == {
        "enableStartTLS": False, "port": 587, "companyId": 20097, "outgoingSMTPServer": "smtp.example.com",
        "list": ["a", "b", "c"], "empty": [], "coll": [1, 2], "spaced": "x"}


def test_string_escapes():
    """ConfigurationHandlerTest.testReadSpecial and the escapes _writeQuoted writes."""
    text = 'additionalJavaMailProperties="mail.smtp.timeout\\=5000\\nmail.x\\=\\"q\\"\\ \\\\\\ \\u00e9"\n'
    assert parse_config(text)["additionalJavaMailProperties"] == 'mail.smtp.timeout=5000\nmail.x="q" \\ \u00e9'
    assert parse_config('k="\\b\\t\\n\\f\\r\\u002B\\a"')["k"] == "\b\t\n\f\r+a"


def test_system_properties_are_interpolated_before_unquoting():
    """InterpolationUtilTest.testSubstitution/testBlank/testNestedSub/testInlineSubstitution."""
    props = {"testSystemKey": "testSystemValue", "testSystemKey2": "testSystemKey"}
    assert parse_config('k="${testSystemKey}"', props) == {"k": "testSystemValue"}
    assert parse_config('k="${testSystemKeyNonexistent}"', props) == {"k": ""}
    assert parse_config('k="${${testSystemKey2}}"', props) == {"k": "testSystemValue"}
    assert parse_config('k="test${testSystemKey}test"', props) == {"k": "testtestSystemValuetest"}
    # InterpolationUtilTest.testExtraCloseBrace.
    assert parse_config('k="${testSystemKey}}"', props) == {"k": "testSystemValue}"}
    # A hand-written password with ${x} loses it; ConfigurationHandler._writeQuoted escapes the braces.
    assert parse_config('smtpPassword="ab${x}cd"') == {"smtpPassword": "abcd"}
    assert parse_config('smtpPassword="ab$\\{x\\}cd"') == {"smtpPassword": "ab${x}cd"}


def test_unescape_drops_a_backslash_before_a_brace_in_a_value_with_a_variable():
    """InterpolationUtil._unescape: '$\\{q}' written by Liferay's own writer does not read back."""
    assert parse_config('k="$\\\\\\{q\\}"') == {"k": "${q}"}
    assert parse_config('k="a$__b"') == {"k": "a$b"}


def test_first_line_that_does_not_match_ends_the_reading(caplog):
    """TypedPropertiesTest.testLoadBadLine: 'Unable to parse config line'; the lines before it stay."""
    text = 'a="1"\ntestKey = K"testValue"\nb="2"\n'
    assert parse_config(text) == {"a": "1"}
    assert "Unable to parse config line 2" in caplog.text
    assert parse_config('a="v" # comment\nb="2"') == {}


def test_comment_after_an_attribute_is_skipped():
    """TypedPropertiesTest.testLoadandSaveTrailingComment: logged by Liferay, the value still read."""
    assert parse_config('testKey = "testValue"\n#comment') == {"testKey": "testValue"}


def test_multiline_string_lines_are_trimmed_and_joined():
    """TypedPropertiesTest.testLoadandStoreMultilineString."""
    assert parse_config('testKey = "testValue1,\\\n\ttestValue2"') == {"testKey": "testValue1,testValue2"}


@pytest.mark.parametrize("text", ['a=I"abc"', 'a=["x" "y"]', 'a={"x"}', 'a=i["1"]', 'a="1"\n  \nb="2"'])
def test_values_liferay_cannot_convert_are_rejected(text):
    """ConfigurationHandler.read fails or gives null: the simulator keeps the file's previous state."""
    with pytest.raises(ConfigSyntaxError):
        parse_config(text)


def test_liferay_array_layout():
    """ConfigurationHandlerTest.testReadArray and testWriteArray layouts."""
    parsed = parse_config('sendBlacklist=[\\\r\n  "a@example.com",\\\r\n  "b@example.com"\\\r\n]\r\n')
    assert parsed["sendBlacklist"] == ["a@example.com", "b@example.com"]
    assert parse_config('k=[\\\n  "1",\\\n  "2",\\\n  ]')["k"] == ["1", "2"]
