# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
from collections import OrderedDict

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.liferay_ops.mail.plugins.module_utils.osgi_config_file import (
    ConfigValue, OsgiConfigDocument, OsgiConfigError, config_bool, config_int, config_long,
    config_string, config_string_array, parse_config, render_entry, same_value,
)
from ansible_collections.liferay_ops.mail.tests.unit.plugins.module_utils import felix_reference

CORPUS = os.path.join(os.path.dirname(__file__), 'osgi_corpus')
COMPANY_PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
SYSTEM_PID = 'com.liferay.mail.settings.configuration.MailSettingSystemConfiguration'
COMPANY_FILE = COMPANY_PID + '.scoped~7d1b54a2-3c9e-4f0a-9b61-2e8f4c0d9a17.config'
SYSTEM_FILE = SYSTEM_PID + '.config'
DEFAULTS_FILE = COMPANY_PID + '.config'
EXPORT_FILE = 'com.example.sample.InstanceExportSample.scoped~0b6e1d52-8a3f-4c27-b9d4-5f1e2a7c8d30.config'

# The 13 attributes of MailSettingCompanyConfiguration (reference §2.6).
MAIL_ATTRIBUTES = [
    'additionalJavaMailProperties', 'enablePOPServerNotifications', 'enableStartTLS', 'incomingPOPPort',
    'incomingPOPServer', 'outgoingSMTPPort', 'outgoingSMTPServer', 'popPassword', 'popUserName',
    'smtpPassword', 'smtpUserName', 'storeProtocol', 'transportProtocol',
]


def corpus_text(name, newline='\n'):
    # Stored with LF (sanity rule); Felix itself writes CRLF, so tests also use that variant.
    with open(os.path.join(CORPUS, name), 'rb') as handle:
        return handle.read().decode('utf-8').replace('\n', newline)


def corpus_names():
    return sorted(name for name in os.listdir(CORPUS) if name.endswith('.config'))


def as_reference(value):
    return (value.type_code, value.kind, value.value)


def from_reference(triple):
    type_code, kind, value = triple
    return ConfigValue(type_code, value, kind)


# ------------------------------------------------------------ realistic files

@pytest.mark.parametrize('newline', ['\n', '\r\n'])
@pytest.mark.parametrize('name', corpus_names())
def test_corpus_file_untouched_is_written_back_byte_for_byte(name, newline):
    text = corpus_text(name, newline)
    assert parse_config(text).to_text() == text


@pytest.mark.parametrize('newline', ['\n', '\r\n'])
@pytest.mark.parametrize('name', corpus_names())
def test_corpus_file_reads_the_same_with_the_reference_reader(name, newline):
    text = corpus_text(name, newline)
    ours = [(n, as_reference(v)) for n, v in parse_config(text).attributes.items()]
    assert ours == felix_reference.read(text)


def test_instance_mail_file_has_all_attributes_and_typed_values():
    doc = parse_config(corpus_text(COMPANY_FILE))
    assert set(MAIL_ATTRIBUTES) < set(doc.attributes)
    assert doc.get('companyId') == ConfigValue('L', '20097')
    assert doc.get('enableStartTLS') == config_bool(True)
    assert doc.get('legacyRelayHost') == config_string('relay.internal.example.com')
    values = doc.to_python()
    assert values['companyId'] == 20097
    assert values['enableStartTLS'] is True and values['enablePOPServerNotifications'] is False
    assert values['additionalJavaMailProperties'] == (
        'mail.smtp.connectiontimeout=10000\nmail.smtp.timeout=10000')
    assert values['popPassword'] == 'pop-S3cret with spaces=and"quotes"'
    assert values['smtpPassword'].startswith('${secretRef:vault:config/')


def test_editing_one_attribute_keeps_every_other_line_and_unknown_attributes():
    text = corpus_text(COMPANY_FILE, '\r\n')
    doc = parse_config(text)
    assert doc.set('outgoingSMTPPort', config_string('465')) is True
    assert doc.set('transportProtocol', config_string('smtps')) is True
    new_text = doc.to_text()

    old_lines, new_lines = text.split('\r\n'), new_text.split('\r\n')
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert changed == [('outgoingSMTPPort="587"', 'outgoingSMTPPort="465"'),
                       ('transportProtocol="smtp"', 'transportProtocol="smtps"')]
    reread = parse_config(new_text)
    assert list(reread.attributes) == list(doc.attributes)
    assert reread.get('legacyRelayHost') == config_string('relay.internal.example.com')
    assert reread.same_attributes(doc)
    assert not reread.same_attributes(parse_config(text))


def test_new_attribute_is_appended_with_the_files_line_ending():
    doc = parse_config(corpus_text(COMPANY_FILE, '\r\n'))
    doc.set('zzNew', config_long(1))
    assert doc.to_text().endswith('transportProtocol="smtp"\r\nzzNew=L"1"\r\n')


def test_system_file_blacklist_array_is_read_and_edited_in_felix_layout():
    text = corpus_text(SYSTEM_FILE, '\r\n')
    doc = parse_config(text)
    blacklist = doc.get('sendBlacklist')
    assert blacklist.kind == 'array' and blacklist.type_code == ''
    assert blacklist.value == ['noreply@liferay.com', 'test@liferay.com',
                               'noreply@domain.invalid', 'test@domain.invalid']
    doc.set('sendBlacklist', config_string_array(blacklist.value + ['spam@example.com']))
    assert doc.to_text() == text.replace(
        '  "test@domain.invalid", \\\r\n',
        '  "test@domain.invalid", \\\r\n  "spam@example.com", \\\r\n')


def test_hand_written_defaults_keep_comments_blank_lines_and_trailing_comment():
    text = corpus_text(DEFAULTS_FILE)
    doc = parse_config(text)
    assert doc.comments == [
        "# System-wide defaults for every instance's mail settings.",
        u'# Managed by hand; instance files (\u2026scoped~<name>.config) override them.',
    ]
    assert doc.get('transportProtocol') == config_string('smtp')
    doc.set('outgoingSMTPPort', config_string('2525'))
    doc.remove('transportProtocol')
    expected = text.replace('outgoingSMTPPort="25"', 'outgoingSMTPPort="2525"')
    expected = expected.replace('transportProtocol="smtp"   # smtps would mean implicit TLS\n', '')
    assert doc.to_text() == expected


def test_export_sample_types_convert_to_python():
    doc = parse_config(corpus_text(EXPORT_FILE))
    assert doc.to_python() == OrderedDict([
        ('companyId', 20097), ('enableEmailDomainValidation', True),
        ('emailDomains', ['example.com', 'example.org']), ('maxAttempts', 5), ('retryBackoff', 2.0),
        ('ratio', 1.5), ('priority', -3), ('flags', 127), ('separator', ','), ('ports', [25, 587]),
        ('tags', ['a', 'b']), ('nothing', []), ('explicitString', 'typed string'),
        ('greeting', u'Gr\u00fc\u00dfe\tvon M\u00fcnchen \u2709'),
    ])
    assert doc.get('tags').kind == 'collection' and doc.get('ports').type_code == 'i'


def test_comment_edit_rewrites_only_the_header():
    doc = parse_config('# old\n\na="1"\n')
    doc.comments = ['# managed by liferay_ops.mail', 'do not edit']
    assert doc.to_text() == '# managed by liferay_ops.mail\n# do not edit\na="1"\n'


def test_missing_final_newline_is_kept_and_added_only_before_new_text():
    doc = parse_config('a="1"')
    assert doc.to_text() == 'a="1"'
    doc.set('b', config_bool(False))
    assert doc.to_text() == 'a="1"\nb=B"false"\n'


def test_new_document_is_written_the_way_felix_writes_values():
    doc = OsgiConfigDocument()
    doc.set('companyId', config_long(20097))
    doc.set('enableStartTLS', config_bool(True))
    doc.set('smtpUserName', config_string('Joe "J" Bloggs=\\\t\n\x01'))
    doc.set('hosts', ConfigValue('', ['a b'], 'collection'))
    doc.set('empty', ConfigValue('I', [], 'array'))
    assert doc.to_text() == (
        'companyId=L"20097"\n'
        'enableStartTLS=B"true"\n'
        'smtpUserName="Joe\\ \\"J\\"\\ Bloggs\\=\\\\\\t\\n\\u0001"\n'
        'hosts=( \\\n  "a\\ b", \\\n)\n'
        'empty=I[ \\\n  ]\n')


@pytest.mark.parametrize('name, expected', [
    ('plain.name', 'plain.name'),
    ('with space', 'with\\ space'),
    ('#hash', '\\#hash'),
    ('[x', '\\[x'),
    (u'tab\there\u2003', 'tab\\there\\u2003'),
])
def test_attribute_names_are_escaped_so_they_read_back(name, expected):
    line = render_entry(name, config_string('v'))
    assert line == '%s="v"\n' % expected
    assert list(parse_config(line).attributes) == [name]


# ------------------------------------------------------------ escapes and syntax accepted

@pytest.mark.parametrize('source, expected', [
    (r'"a\"b"', 'a"b'),
    (r'"back\\slash"', 'back\\slash'),
    (r'"x\ty\nz\rw\bq\fe"', 'x\ty\nz\rw\bq\fe'),
    (r'"\u00e9\u0041"', u'\u00e9A'),
    (r'"\uD83D\uDE00"', u'\U0001F600'),
    (r'"unknown\qescape"', 'unknownqescape'),
    ('"raw\r\nbreak"', 'raw\nbreak'),
    ('"escaped\\\nbreak"', 'escaped\nbreak'),
    (u'"\u00fcnic\u00f8de \u2709"', u'\u00fcnic\u00f8de \u2709'),
    ('""', ''),
])
def test_escapes_in_values(source, expected):
    assert parse_config('k=' + source).get('k').value == expected


@pytest.mark.parametrize('source', [
    'k=["a","b"]',
    'k=[ "a" , "b" ]',
    'k=[ \\\n  "a", \\\n  "b", \\\n  ]',
    'k=[\r\n"a",\r\n"b"\r\n]',
    'k=[,"a",,"b",]',
])
def test_array_spellings_felix_accepts(source):
    assert parse_config(source).get('k') == ConfigValue('', ['a', 'b'], 'array')


def test_comments_between_attributes_and_indented():
    doc = parse_config('#top\n  # indented\na="1"\n\n   # middle\nb=B"true" # trailing\n#end')
    assert doc.comments == ['#top', '# indented']
    assert doc.to_python() == OrderedDict([('a', '1'), ('b', True)])


def test_removed_attribute_takes_its_leading_comment_with_it():
    doc = parse_config('a="1"\n# about b\nb="2"\nc="3"\n')
    assert doc.remove('b') is True
    assert doc.remove('b') is False
    assert doc.to_text() == 'a="1"\nc="3"\n'


# ------------------------------------------------------------ comparison

@pytest.mark.parametrize('left, right', [
    ('a=L"20097"', 'a=L"020097"'),
    ('a=B"true"', 'a=B"TRUE"'),
    ('a=B"false"', 'a=B"no"'),
    ('a=T"x y"', 'a="x\\ y"'),
    ('a=i"3"', 'a=I"3"'),
    ('a=D"4607182418800017408"', 'a=D"1.0"'),
    ('a=["x","y"]', 'a=[ \\\n  "x", \\\n  "y", \\\n  ]'),
    ('a="1"\nb="2"', '# comment\nb="2"\r\na="1"\r\n'),
])
def test_same_attributes_ignores_spelling_and_order(left, right):
    assert parse_config(left).same_attributes(parse_config(right))


@pytest.mark.parametrize('left, right', [
    ('a=L"1"', 'a=I"1"'),
    ('a=L"1"', 'a="1"'),
    ('a=B"true"', 'a="true"'),
    ('a=["x"]', 'a=("x")'),
    ('a=i["1"]', 'a=I["1"]'),
    ('a=["x","y"]', 'a=["y","x"]'),
    ('a="1"', 'a="1"\nb="2"'),
    ('a="x"', 'a="x "'),
])
def test_same_attributes_sees_type_and_value_changes(left, right):
    assert not parse_config(left).same_attributes(parse_config(right))


def test_set_with_the_same_meaning_keeps_the_original_spelling():
    text = 'companyId=L"020097"\r\n'
    doc = parse_config(text)
    assert doc.set('companyId', config_long(20097)) is False
    assert doc.to_text() == text
    assert same_value(doc.get('companyId'), config_long(20097))


# ------------------------------------------------------------ constructors

def test_constructors_and_ranges():
    assert config_int(-5) == ConfigValue('I', '-5')
    assert config_long(2 ** 63 - 1).value == '9223372036854775807'
    assert config_bool(0) == ConfigValue('B', 'false')
    with pytest.raises(ValueError):
        config_int(2 ** 31)
    with pytest.raises(ValueError):
        config_long(True)
    with pytest.raises(TypeError):
        config_string(5)


# ------------------------------------------------------------ errors

@pytest.mark.parametrize('text, line, fragment', [
    ('a="1"\nb = "2"\n', 2, 'whitespace'),
    ('a="1"\nb= "2"\n', 2, 'without spaces'),
    ('a=x\n', 1, 'must be quoted'),
    ('a="1"\n\nb=plain\n', 3, 'must be quoted'),
    ('a=\n', 1, 'no value'),
    ('a="1"\njust text\n', 2, 'no "=" found'),
    ('=x\n', 1, 'missing attribute name'),
    ('"a"="1"\n', 1, 'cannot start with'),
    ('a"b="1"\n', 1, 'double quote in an attribute name'),
    ('a="1\nb="2"\n', 2, 'unescaped "="'),
    ('a="open\n\n', 1, 'not closed'),
    ('a="x=y"\n', 1, 'unescaped "="'),
    ('a=["x" "y"]\n', 1, 'missing ","'),
    ('a=["x",\n# c\n"y"]\n', 2, 'unexpected character'),
    ('a=["x"\n', 1, 'not closed'),
    ('a=("x"]\n', 1, 'unexpected character'),
    ('a="1" b="2"\n', 1, 'own line'),
    ('x="1"\ncompanyId=L"abc"\n', 2, 'Java long'),
    ('a=I"2147483648"\n', 1, 'Java int'),
    ('a=X"128"\n', 1, 'Java byte'),
    ('a=S"1.5"\n', 1, 'Java short'),
    ('a=D"one"\n', 1, 'Java double'),
    ('a=C""\n', 1, 'one character'),
    ('a=I["1","x"]\n', 1, 'Java int'),
    ('a=Z"1"\n', 1, 'must be quoted'),
    ('a="\\u12"\n', 1, 'four hexadecimal'),
    ('a="\\uD800"\n', 1, 'surrogate'),
    ('a="1"\nb="2"\na="3"\n', 3, 'appears twice (lines 1 and 3)'),
    (u'\ufeffa="1"\n', 1, 'byte order mark'),
])
def test_malformed_files_raise_with_line_number(text, line, fragment):
    with pytest.raises(OsgiConfigError) as caught:
        parse_config(text)
    assert caught.value.line == line
    assert str(caught.value).startswith('line %d: ' % line)
    assert fragment in str(caught.value)


def test_invalid_utf8_is_reported():
    with pytest.raises(OsgiConfigError, match='not valid UTF-8'):
        parse_config(b'a="\xff"\n')


SECRET = 'Hunter2-secret'


@pytest.mark.parametrize('text', [
    'smtpPassword="%s' % SECRET,
    'smtpPassword=%s' % SECRET,
    'popPassword=I"%s"' % SECRET,
    'POPPASSWORD=L"%s"' % SECRET,
    'smtpPassword=["ok" "%s"]' % SECRET,
    'smtpPassword=["%s" x]' % SECRET,
    'smtpPassword="%s=tail"' % SECRET,
    'smtpPassword="%s\\uZZZZ"' % SECRET,
    'smtpPassword="%s" trailing' % SECRET,
    'smtpPassword=C""\nsmtpPassword="%s"' % SECRET,
    'smtpPassword="%s"\nsmtpPassword="%s"' % (SECRET, SECRET),
])
def test_errors_never_show_password_values(text):
    with pytest.raises(OsgiConfigError) as caught:
        parse_config(text)
    message = str(caught.value)
    assert 'Password' in message or 'PASSWORD' in message
    assert SECRET not in message and 'Hunter' not in message and 'ZZZZ' not in message


def test_error_quotes_ordinary_values_to_help():
    with pytest.raises(OsgiConfigError, match="got 'abc'"):
        parse_config('companyId=L"abc"')


def test_set_rejects_invalid_values_without_showing_passwords():
    doc = OsgiConfigDocument()
    with pytest.raises(OsgiConfigError) as caught:
        doc.set('smtpPassword', ConfigValue('I', SECRET))
    assert SECRET not in str(caught.value)
    with pytest.raises(OsgiConfigError, match='unknown type code'):
        doc.set('a', ConfigValue('Q', 'x'))
    with pytest.raises(OsgiConfigError, match='list of strings'):
        doc.set('a', ConfigValue('', 'x', 'array'))
    with pytest.raises(OsgiConfigError, match='strings'):
        doc.set('a', ConfigValue('L', 5))
    with pytest.raises(OsgiConfigError, match='surrogate'):
        doc.set('a', config_string(u'\ud800'))
    assert doc.attributes == OrderedDict()
    assert SECRET not in repr(parse_config('smtpPassword="%s"' % SECRET))


# ------------------------------------------------------------ property-based

def _no_surrogates(min_size=0, max_size=30):
    return st.text(st.characters(blacklist_categories=('Cs',)), min_size=min_size, max_size=max_size)


_PLAIN_TEXT = st.one_of(
    _no_surrogates(),
    st.sampled_from(['', '${secretRef:vault:config/pid/20097/smtpPassword}', 'a"b', 'back\\slash',
                     'line\nbreak', 'tab\tx', 'x=y', ' lead', u'\u00fc\u2709\U0001F600', '\\u0041']),
)


_ELEMENTS_BY_TYPE = {
    '': _PLAIN_TEXT,
    'T': _PLAIN_TEXT,
    'B': st.sampled_from(['true', 'false']),
    'L': st.integers(-2 ** 63, 2 ** 63 - 1).map(str),
    'I': st.integers(-2 ** 31, 2 ** 31 - 1).map(str),
    'S': st.integers(-2 ** 15, 2 ** 15 - 1).map(str),
    'X': st.integers(-128, 127).map(str),
    'D': st.integers(-2 ** 63, 2 ** 63 - 1).map(str),
    'F': st.floats(width=32, allow_nan=False, allow_infinity=False).map(lambda f: '%.6e' % f),
    'C': _no_surrogates(1, 1),
}


@st.composite
def config_values(draw):
    type_code = draw(st.sampled_from(sorted(_ELEMENTS_BY_TYPE) + list('bilsxdfc')))
    elements = _ELEMENTS_BY_TYPE[type_code.upper()]
    kind = draw(st.sampled_from(['scalar', 'array', 'collection']))
    if kind == 'scalar':
        return ConfigValue(type_code, draw(elements), kind)
    return ConfigValue(type_code, draw(st.lists(elements, max_size=4)), kind)


_NAMES = st.one_of(
    st.sampled_from(MAIL_ATTRIBUTES + ['companyId', 'sendBlacklist', 'x.y-z_1']),
    _no_surrogates(1, 12),
)
_DOCUMENTS = st.dictionaries(_NAMES, config_values(), max_size=8)
_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_DOCUMENTS, st.sampled_from(['\n', '\r\n']))
def test_round_trip_render_then_parse_gives_the_same_values(attributes, newline):
    doc = OsgiConfigDocument(attributes, comments=['# generated'], newline=newline)
    text = doc.to_text()
    reread = parse_config(text)
    assert reread.attributes == doc.attributes
    assert reread.same_attributes(doc)
    assert reread.to_text() == text


@_SETTINGS
@given(_DOCUMENTS, _NAMES, config_values())
def test_edit_changes_one_attribute_and_keeps_the_others(attributes, name, value):
    text = OsgiConfigDocument(attributes).to_text()
    doc = parse_config(text)
    doc.set(name, value)
    reread = parse_config(doc.to_text())
    expected = OrderedDict(attributes)
    expected[name] = value
    assert list(reread.attributes) == list(expected)
    for key, expected_value in expected.items():
        assert same_value(reread.get(key), expected_value)


@_SETTINGS
@given(_DOCUMENTS)
def test_module_writer_is_read_identically_by_the_reference_reader(attributes):
    text = OsgiConfigDocument(attributes).to_text()
    assert felix_reference.read(text) == [(n, as_reference(v)) for n, v in attributes.items()]


@_SETTINGS
@given(_DOCUMENTS)
def test_reference_writer_is_read_identically_by_the_module_reader(attributes):
    text = felix_reference.write((n, as_reference(v)) for n, v in attributes.items())
    doc = parse_config(text)
    assert doc.attributes == OrderedDict(attributes)
    assert doc.to_text() == text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='ab=" \\\n\r[](),#ILBu0{}', max_size=40))
def test_arbitrary_text_either_parses_or_raises_osgi_config_error(text):
    try:
        doc = parse_config(text)
    except OsgiConfigError as exc:
        assert exc.line is not None and 1 <= exc.line <= text.count('\n') + text.count('\r') + 1
        return
    assert doc.to_text() == text
    assert parse_config(OsgiConfigDocument(doc.attributes).to_text()).same_attributes(doc)
