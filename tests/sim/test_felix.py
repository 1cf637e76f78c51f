"""Unit tests of the Felix typed .config reader (reference section 2.6)."""

import pytest

from liferay_sim.felix import ConfigSyntaxError, parse_config


def test_typed_values_arrays_and_comments():
    """§2.6: B"..", I"..", L"..", plain strings, arrays and collections, '#' comments."""
    text = ('# a comment\n'
            'enableStartTLS=B"false"\n'
            'port=I"587"\n'
            'companyId=L"20097"\n'
            'outgoingSMTPServer="smtp.example.com"\n'
            'list=["a", "b",\n  "c"]\n'
            'empty=[]\n'
            'coll=I("1","2")\n'
            ' spaced = "x"\n')
    assert parse_config(text) == {
        "enableStartTLS": False, "port": 587, "companyId": 20097, "outgoingSMTPServer": "smtp.example.com",
        "list": ["a", "b", "c"], "empty": [], "coll": [1, 2], "spaced": "x"}


def test_string_escapes():
    """§2.6: escaped quotes, backslashes, newlines and unicode inside strings."""
    text = 'additionalJavaMailProperties="mail.smtp.timeout=5000\\nmail.x=\\"q\\" \\\\ \\u00e9"\n'
    assert parse_config(text)["additionalJavaMailProperties"] == 'mail.smtp.timeout=5000\nmail.x="q" \\ \u00e9'


@pytest.mark.parametrize("text", ['a=B"x', 'a=unquoted', 'a=Q"1"', 'a="x" junk', 'a=I"abc"', '="x"', 'a=["x" "y"]'])
def test_malformed_input_is_rejected(text):
    """§2.6: a file FileInstall cannot parse is rejected (the simulator keeps the previous state)."""
    with pytest.raises(ConfigSyntaxError):
        parse_config(text)


def test_trailing_comma_after_last_element_as_felix_writes_lists():
    """§2.6: Felix's own writer ends each list element, the last one included, with a comma."""
    parsed = parse_config('sendBlacklist=[ \\\n  "a@example.com", \\\n  "b@example.com", \\\n  ]\n')
    assert parsed["sendBlacklist"] == ["a@example.com", "b@example.com"]
