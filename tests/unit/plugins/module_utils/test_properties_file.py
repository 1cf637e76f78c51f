# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests of the round-trip .properties editor.

Values written by the editor are read back by an independent reader: the
javaproperties package (java.util.Properties rules) plus the Apache Commons
Configuration 1.x differences, written here from docs/liferay-model.md §1
without using the module's code.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import difflib
import glob
import os
import re

import javaproperties
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import (
    DEFAULT_MARKER,
    PropertiesDocument,
    PropertiesFileError,
    encode_key,
    encode_value,
    interpolate,
    occurrence_counts,
    read_properties,
)

CORPUS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'properties_corpus')
CORPUS = sorted(glob.glob(os.path.join(CORPUS_DIR, '*.properties')))
NEWLINES = {'lf': '\n', 'crlf': '\r\n', 'cr': '\r'}

# ---------------------------------------------------------------------------
# Independent reader: java.util.Properties (javaproperties) + Commons rules
# ---------------------------------------------------------------------------

_JAVA_TRIM = ''.join(chr(code) for code in range(0x21))  # Java String.trim()
_ESCAPED_COMMA = u'\ue000'  # stands for "\," while javaproperties parses


def _commons_logical_lines(text):
    """Physical lines as Commons' PropertiesReader sees them, comments dropped."""
    kept = []
    pending = []
    for physical in re.split(r'\r\n|\r|\n', text):
        # Adjustment: Commons trims every physical line with String.trim();
        # java.util.Properties keeps trailing blanks and a "\ " before them.
        line = physical.strip(_JAVA_TRIM)
        # Adjustment: blank and comment lines are skipped by Commons even in
        # the middle of a continuation; java.util.Properties would end it
        # (blank) or take the text (comment).
        if not line or line[0] in '#!':
            continue
        pending.append(line)
        if (len(line) - len(line.rstrip('\\'))) % 2 == 0:
            kept.extend(pending)
            pending = []
    # Adjustment: a continuation still open at the end of the file is dropped
    # by Commons (readProperty returns null); java.util.Properties keeps it.
    return kept


def _protect_escaped_commas(line):
    # Adjustment: Commons' first unescape keeps "\," for the list split, where
    # java.util.Properties turns it into ",".  Escape pairs are matched left to
    # right, so "\\," stays a backslash pair followed by a plain comma.
    return re.sub(r'\\(.)', lambda pair: _ESCAPED_COMMA if pair.group(1) == ',' else pair.group(0), line)


def _commons_list_split(value):
    """PropertyConverter.split as described in docs/liferay-model.md §1.4."""
    if value.find(',') <= 0:
        return [value]  # a first comma at index 0 (or none): not split at all
    pieces = []
    current = ''
    index = 0
    while index < len(value):
        char = value[index]
        if char == '\\' and index + 1 < len(value):
            following = value[index + 1]
            # The second pass: "\," and "\\" lose a backslash, "\x" stays.
            current += following if following in ',\\' else char + following
            index += 2
            continue
        if char == ',':
            pieces.append(current.strip(_JAVA_TRIM))
            current = ''
        else:
            current += char
        index += 1
    pieces.append(current.strip(_JAVA_TRIM))
    return pieces


def _strsubstitutor_without_variables(value, referenced):
    """commons-lang StrSubstitutor with nothing resolvable: only "$${" changes.

    Every reference that would be looked up is recorded in ``referenced``.
    """
    chars = list(value)
    pos = 0
    while pos + 1 < len(chars):
        if chars[pos] == '$' and chars[pos + 1] == '{':
            if pos > 0 and chars[pos - 1] == '$':
                del chars[pos - 1]  # "$${" -> "${", scanning goes on after the brace
                continue
            try:
                close = chars.index('}', pos + 2)
            except ValueError:
                break  # no closing brace: not a reference
            referenced.append(''.join(chars[pos + 2:close]))
            pos = close + 1
            continue
        pos += 1
    return ''.join(chars)


def _value_stops_java_dot(source):
    """Adjustment: Commons' PROPERTY_PATTERN ends in "(.*)" and Java's "." does
    not match U+0085, U+2028 or U+2029, so a value holding one raw fails the
    pattern and Commons reads key "" with value "" (java.util.Properties keeps
    both).  The key part, bare or escaped characters, may hold them."""
    key_part = re.match(u'[ \t\f]*(?:[^ \t\n\x0b\f\r\\\\=:]|\\\\[^\n\r\x85\u2028\u2029])*', source)
    rest = source[key_part.end():]
    return any(char in rest for char in u'\x85\u2028\u2029')


def commons_read(text):
    """(values, counts, referenced) as Liferay reads ``text``.

    values: key -> value (lists joined with ","; plain values interpolated
    with nothing resolvable); counts: key -> definitions; referenced: key ->
    variable names interpolation would look up.
    """
    logical = [_protect_escaped_commas(line) for line in _commons_logical_lines(text)]
    pieces = {}
    counts = {}
    for element in javaproperties.parse('\n'.join(logical)):
        if not isinstance(element, javaproperties.KeyValue):
            continue
        key = element.key.replace(_ESCAPED_COMMA, ',')
        unescaped = element.value.replace(_ESCAPED_COMMA, '\\,')
        if _value_stops_java_dot(element.source):
            key = unescaped = ''
        if key.lower() == 'include':
            continue  # Commons include directive, never a property
        pieces.setdefault(key, []).extend(_commons_list_split(unescaped))
        counts[key] = counts.get(key, 0) + 1
    values = {}
    referenced = {}
    for key, items in pieces.items():
        referenced[key] = []
        if len(items) > 1:
            # Adjustment: ClassLoaderAggregateProperties.getString joins a List
            # and does not interpolate it.  One piece is stored as a plain
            # String (BaseConfiguration.addPropertyDirect), also after a split
            # of a value whose commas are all escaped, and is interpolated.
            values[key] = ','.join(items)
        else:
            values[key] = _strsubstitutor_without_variables(items[0], referenced[key])
    return values, counts, referenced


# ---------------------------------------------------------------------------
# Worked examples of the Commons Configuration 1.x rules (docs/liferay-model.md §1)
# ---------------------------------------------------------------------------

WORKED_EXAMPLES = [
    ('k=a,b', 'a,b'),
    ('k=a , b', 'a,b'),
    ('k=a,,b', 'a,,b'),
    ('k=a,', 'a,'),
    ('k=,a', ',a'),
    ('k=,a\\,b', ',a\\,b'),               # not split, so "\," keeps its backslash
    ('k= x ', 'x'),
    ('k=a\\,b', 'a,b'),
    ('k=a\\, b', 'a, b'),
    ('k=a\\\\\\\\b\\,c', 'a\\b,c'),        # backslash pairs unescaped twice
    ('k=a\\\\b', 'a\\b'),                  # no comma: one pass
    ('k=a\\\\,b', 'a,b'),                  # "\\," becomes "\," then an escaped comma
    ('k=a,\\\\b', 'a,\\b'),                # second pass keeps an unknown "\b"
    ('k=\\q', 'q'),                        # unknown escape drops the backslash
    ('k=a\\tb', 'a\tb'),
    ('k=\\u0041\\u00e9\\u65e5', u'A\u00e9\u65e5'),
    ('k=\\uD83D\\uDE00', u'\U0001F600'),   # a UTF-16 pair becomes one character
    (u'k=\u65e5\u672c\u8a9e', u'\u65e5\u672c\u8a9e'),
    ('k=1\nk=2', '1,2'),                   # duplicates merge into a list
    ('k=a,b\nk=c', 'a,b,c'),
    ('k=a\\\n    b', 'ab'),                # continuation: next line trimmed
    ('k=a \\\n    b', 'a b'),
    ('k=a\\\n# not part of the value\n\n   b', 'ab'),
    ('k=a\\\r\n  b\r\n', 'ab'),
    ('k=a\\\r  b', 'ab'),
    ('k : v', 'v'),
    ('k v', 'v'),
    ('k\tv', 'v'),
    ('k=v=w', 'v=w'),
    ('k=:v', ':v'),
    ('   k   =   v   ', 'v'),
    ('k=$${x}', '$${x}'),                  # read_properties does not interpolate
    ('k=', ''),
]


@pytest.mark.parametrize('text, expected', WORKED_EXAMPLES)
def test_worked_examples(text, expected):
    assert read_properties(text) == {'k': expected}
    assert PropertiesDocument.from_text(text).get('k') == expected


@pytest.mark.parametrize('text, expected', [
    example for example in WORKED_EXAMPLES if '$${' not in example[0]])
def test_independent_reader_agrees_on_worked_examples(text, expected):
    # Guards the test's own reader, so that the differential test means something.
    assert commons_read(text)[0] == {'k': expected}


@pytest.mark.parametrize('text, expected', [
    ('k=a\\', {}),                          # continuation open at EOF: dropped
    ('k=a\\\n# comment only\n', {}),
    ('abc', {'': ''}),                      # no separator: the pattern fails, key ""
    (u'k=v\u2028w', {'': ''}),              # "." of the Java pattern stops at U+2028
    (u'k\u2028x=v', {u'k\u2028x': 'v'}),    # but a key may hold it
    ('k\\ x=v', {'k x': 'v'}),
    ('k\\=x=v', {'k=x': 'v'}),
    ('include=other.properties\nk=v', {'k': 'v'}),
    (u'\ufeffk=v', {u'\ufeffk': 'v'}),      # a BOM is read as part of the first key
    ('# k=v\n! k=w\n   # k=x', {}),
])
def test_commons_only_cases(text, expected):
    assert read_properties(text) == expected


def test_interpolation_applies_to_plain_values_only():
    text = 'single=${a}/x\nescaped=$${a}\nlisted=${a},b\nlisted=c\n'
    lookup = {'a': 'A'}
    assert read_properties(text, lookup) == {
        'single': 'A/x', 'escaped': '${a}', 'listed': '${a},b,c'}
    document = PropertiesDocument.from_text(text)
    assert document.get('single') == '${a}/x'
    assert document.get('single', lookup) == 'A/x'


@pytest.mark.parametrize('value, expected', [
    ('${a}', '1'),
    ('$${a}', '${a}'),
    ('$$${a}', '$${a}'),
    ('${b}', '1x'),                         # replacements are resolved again
    ('${missing} ${a}', '${missing} 1'),
    ('${a', '${a'),
    ('$$', '$$'),
    ('$${a${a}}', '${a1}'),
    ('', ''),
])
def test_interpolate(value, expected):
    assert interpolate(value, {'a': '1', 'b': '${a}x'}) == expected


def test_interpolate_accepts_a_callable_and_detects_cycles():
    assert interpolate('${x}', lambda name: name.upper()) == 'X'
    with pytest.raises(PropertiesFileError, match='cyclic'):
        interpolate('${a}', {'a': '${b}', 'b': '${a}'})


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('value, written', [
    ('plain', 'plain'),
    ('a,b', 'a\\,b'),
    ('a\\b', 'a\\\\b'),
    ('a\\b,c', 'a\\\\\\\\b\\,c'),
    (' x ', '\\u0020x\\u0020'),
    ('a=b:c#d!e', 'a\\=b\\:c\\#d\\!e'),
    ('l1\nl2', 'l1\\nl2'),
    ('${x}', '$${x}'),
    (u'\u65e5\u672c', u'\u65e5\u672c'),     # UTF-8 as is
    (u'a\u2028b\x85c\x01', 'a\\u2028b\\u0085c\\u0001'),
])
def test_encode_value(value, written):
    assert encode_value(value) == written


@pytest.mark.parametrize('value', [' a,b', 'a,b ', '\ta,b', 'a,b\n', ',\x01'])
def test_value_with_comma_and_blank_ends_is_refused(value):
    with pytest.raises(PropertiesFileError, match='comma') as raised:
        encode_value(value)
    assert value.strip() not in str(raised.value) or value.strip() in ('', ',')


def test_refused_value_names_the_key_but_not_the_value():
    with pytest.raises(PropertiesFileError, match='^mail.session.mail.smtp.password: ') as raised:
        PropertiesDocument.from_text('').set('mail.session.mail.smtp.password', ' hunter2,x')
    assert 'hunter2' not in str(raised.value)


@pytest.mark.parametrize('key, written', [
    ('mail.session.mail.smtp.host', 'mail.session.mail.smtp.host'),
    ('a b', 'a\\ b'),
    ('a ', 'a\\u0020'),
    ('#a', '\\#a'),
    ('a=b:c', 'a\\=b\\:c'),
    ('a\nb', 'a\\nb'),
])
def test_encode_key(key, written):
    assert encode_key(key) == written


@pytest.mark.parametrize('key', ['', 'include', 'INCLUDE'])
def test_keys_that_cannot_be_managed(key):
    with pytest.raises(PropertiesFileError):
        PropertiesDocument.from_text('').set(key, 'v')


# ---------------------------------------------------------------------------
# Differential test: written by the editor, read back independently
# ---------------------------------------------------------------------------

_TRICKY = [
    ',', '\\', '=', ':', '#', '!', ' ', '  ', '\t', '\n', '\r', '\r\n', '\f', '\x0b', '\x00', '\x1f',
    '\x7f', u'\x85', u'\u2028', u'\u2029', u'\ufeff', '$', '{', '}', '${', '$${', '${a}', '\\u0041',
    '\\u', '\\,', '\\\\', ',,', u'\u00e9', u'\u65e5\u672c\u8a9e', u'\u30e1\u30fc\u30eb', u'\U0001F600',
    '\\n', 'include', '"', "'",
]
_ANY_CHAR = st.characters(blacklist_categories=('Cs',), blacklist_characters=_ESCAPED_COMMA)
_FRAGMENT = st.one_of(st.sampled_from(_TRICKY), st.text(_ANY_CHAR, max_size=4))
VALUES = st.lists(_FRAGMENT, max_size=10).map(''.join)
KEYS = st.lists(_FRAGMENT, min_size=1, max_size=6).map(''.join).filter(
    lambda key: key != '' and key.lower() != 'include')
BASE_TEXT = (
    '# Base file\n'
    'liferay.home=/opt/liferay\n'
    'mail.session.mail.smtp.host=old.example.com\n'
    'mail.session.mail.smtp.host=older.example.com\n'
    'long.value=first,\\\n    second\n'
    'include-and-override=${liferay.home}/a.properties,b.properties\n'
)


def _refused(value):
    return ',' in value and (value[0] <= ' ' or value[-1] <= ' ')


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.dictionaries(KEYS, VALUES, max_size=6), crlf=st.booleans())
def test_written_values_read_back_exactly(pairs, crlf):
    base = BASE_TEXT.replace('\n', '\r\n') if crlf else BASE_TEXT
    document = PropertiesDocument.from_text(base)
    expected, _counts, _refs = commons_read(base)
    for key, value in pairs.items():
        if _refused(value):
            with pytest.raises(PropertiesFileError):
                document.set(key, value)
            continue
        document.set(key, value)
        expected[key] = value
    text = document.to_text()
    values, counts, referenced = commons_read(text)
    assert values == expected
    for key in pairs:
        if key in expected and not _refused(pairs[key]):
            assert counts[key] == 1
            assert referenced[key] == []  # nothing left for interpolation to resolve
    # The module's own reader agrees with the independent one.
    assert read_properties(text, {}) == expected
    # Reading the written file again and setting the same values changes nothing.
    again = PropertiesDocument.from_text(text)
    for key, value in pairs.items():
        if not _refused(value):
            again.set(key, value)
    assert again.to_text() == text


@settings(max_examples=200, deadline=None)
@given(value=VALUES)
def test_single_value_round_trip_through_javaproperties_lines(value):
    if _refused(value):
        return
    written = encode_value(value)
    # One physical line per value, whatever it contains.
    assert re.search(r'[\r\n]', written) is None
    assert commons_read('k=' + written)[0] == {'k': value}


# ---------------------------------------------------------------------------
# Injection
# ---------------------------------------------------------------------------

@pytest.mark.parametrize('breaker', ['\n', '\r', '\r\n', u'\u2028', u'\u2029', u'\x85', '\\\n'])
def test_newlines_never_create_an_extra_key(breaker):
    document = PropertiesDocument.from_text('a=1\n')
    document.set('mail.session.mail.smtp.password', 'x' + breaker + 'evil.key=1')
    document.set('k' + breaker + 'evil.key2', 'v' + breaker + '#x' + breaker + 'evil.key3=2')
    text = document.to_text()
    values, _counts, _refs = commons_read(text)
    assert sorted(values) == sorted(['a', 'mail.session.mail.smtp.password', 'k' + breaker + 'evil.key2'])
    assert sorted(read_properties(text)) == sorted(values)
    # a=1, blank, marker, two managed lines
    assert len(re.split(r'\r\n|\r|\n', text.rstrip('\n'))) == 5


# ---------------------------------------------------------------------------
# Corpus of realistic files
# ---------------------------------------------------------------------------

MAIL_SETTINGS = {
    'mail.session.mail': 'true',
    'mail.session.mail.smtp.host': 'smtp.example.com',
    'mail.session.mail.smtp.port': '587',
    'mail.session.mail.smtp.user': 'joe.bloggs@example.com',
    'mail.session.mail.smtp.password': u'p@ss,w\\rd ${x} \u5bc6',
    'mail.session.mail.smtp.starttls.enable': 'true',
    'mail.session.mail.transport.protocol': 'smtp',
    'mail.session.mail.pop3.host': 'pop.example.com',
    'mail.session.mail.pop3.port': '995',
    'mail.session.mail.store.protocol': 'pop3s',
    'mail.session.mail.advanced.properties': 'mail.smtp.connectiontimeout=10000\nmail.smtp.timeout=10000\n',
}


def _corpus_variant(path, newline):
    with open(path, 'rb') as handle:
        data = handle.read()
    if newline != '\n':
        data = data.decode('utf-8').replace('\n', newline).encode('utf-8')
    return data


def _definition_lines(text, wanted_keys):
    """Physical line numbers of the definitions of ``wanted_keys`` (no comments)."""
    physical = re.split(r'\r\n|\r|\n', text)
    found = set()
    group = []
    for number, line in enumerate(physical):
        trimmed = line.strip(_JAVA_TRIM)
        if not trimmed or trimmed[0] in '#!':
            continue
        group.append(number)
        if (len(trimmed) - len(trimmed.rstrip('\\'))) % 2 == 0:
            logical = '\n'.join(_protect_escaped_commas(physical[n].strip(_JAVA_TRIM)) for n in group)
            keys = [element.key for element in javaproperties.parse(logical)
                    if isinstance(element, javaproperties.KeyValue)]
            if keys and keys[0].replace(_ESCAPED_COMMA, ',') in wanted_keys:
                found.update(group)
            group = []
    return found


def test_corpus_has_the_required_samples():
    names = [os.path.basename(path) for path in CORPUS]
    assert len(names) >= 6
    texts = dict((name, open(path, 'rb').read().decode('utf-8')) for name, path in zip(names, CORPUS))
    assert any(not text.endswith('\n') for text in texts.values())
    assert any(u'\u30e1\u30fc\u30eb' in text for text in texts.values())
    assert any('include-and-override' in text for text in texts.values())
    assert any(occurrence_counts(text).get('mail.session.mail.smtp.host', 0) > 1 for text in texts.values())


@pytest.mark.parametrize('newline', sorted(NEWLINES))
@pytest.mark.parametrize('path', CORPUS, ids=os.path.basename)
def test_corpus_survives_a_no_op_round_trip(path, newline):
    data = _corpus_variant(path, NEWLINES[newline])
    document = PropertiesDocument.from_bytes(data)
    assert document.to_bytes() == data
    text = data.decode('utf-8')
    values, counts, _refs = commons_read(text)
    assert read_properties(text, {}) == values
    assert occurrence_counts(text) == counts
    # Setting every key to the value it already has changes nothing either.
    for key in values:
        if counts[key] == 1 and not _refused(values[key]):
            document.set(key, values[key])
    assert document.to_bytes() == data


@pytest.mark.parametrize('newline', sorted(NEWLINES))
@pytest.mark.parametrize('path', CORPUS, ids=os.path.basename)
def test_corpus_mail_edit_changes_only_managed_lines(path, newline):
    data = _corpus_variant(path, NEWLINES[newline])
    before = data.decode('utf-8')
    document = PropertiesDocument.from_bytes(data)
    for key, value in MAIL_SETTINGS.items():
        document.set(key, value)
    after_bytes = document.to_bytes()
    after = after_bytes.decode('utf-8')

    old_values, old_counts, _refs = commons_read(before)
    new_values, new_counts, _refs = commons_read(after)
    for key in MAIL_SETTINGS:
        assert new_values[key] == MAIL_SETTINGS[key]
        assert new_counts[key] == 1
    for key in old_values:
        if key not in MAIL_SETTINGS:
            assert (new_values[key], new_counts[key]) == (old_values[key], old_counts[key])
    assert set(new_values) == set(old_values) | set(MAIL_SETTINGS)

    # Line by line: only definitions of managed keys go, only managed lines come.
    old_lines = re.split(r'(?<=\r\n)|(?<=\n)(?<!\r\n)|(?<=\r)(?!\n)', before)
    new_lines = re.split(r'(?<=\r\n)|(?<=\n)(?<!\r\n)|(?<=\r)(?!\n)', after)
    managed_old = _definition_lines(before, MAIL_SETTINGS)
    managed_new = _definition_lines(after, MAIL_SETTINGS)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            continue
        for number in range(i1, i2):
            changed = old_lines[number]
            # The old last line may only gain a line terminator.
            gained_newline = number == len(old_lines) - 1 and new_lines[j1:j2] and \
                new_lines[j1] == changed + NEWLINES[newline]
            assert number in managed_old or gained_newline, changed
        for number in range(j1, j2):
            added = new_lines[number].rstrip('\r\n')
            assert number in managed_new or added in ('', DEFAULT_MARKER) or \
                (number < len(old_lines) and added == old_lines[number].rstrip('\r\n')) or \
                added + NEWLINES[newline] in old_lines, added

    # Line endings follow the file.
    if newline != 'cr':
        assert '\n' + DEFAULT_MARKER in after or DEFAULT_MARKER not in after.replace(before, '')
    other_endings = set(NEWLINES.values()) - set([NEWLINES[newline]])
    added_text = ''.join(new_lines[len(old_lines):])
    assert not any(ending in added_text.replace(NEWLINES[newline], '') for ending in other_endings)
    assert after.endswith(('\n', '\r')) == before.endswith(('\n', '\r'))

    # A second run changes nothing.
    again = PropertiesDocument.from_bytes(after_bytes)
    for key, value in MAIL_SETTINGS.items():
        assert again.set(key, value) == []
    assert again.to_bytes() == after_bytes


def test_new_keys_go_below_an_existing_marker():
    path = os.path.join(CORPUS_DIR, 'previously_managed.properties')
    before = open(path, 'rb').read().decode('utf-8')
    document = PropertiesDocument.from_text(before)
    document.set('mail.session.mail.smtp.port', '465')
    document.set('mail.session.mail.transport.protocol', 'smtps')
    after = document.to_text()
    assert after.count(DEFAULT_MARKER) == 1
    assert after == before.replace(
        'mail.session.mail.smtp.port=587\n',
        'mail.session.mail.smtp.port=465\nmail.session.mail.transport.protocol=smtps\n')


# ---------------------------------------------------------------------------
# Editing details
# ---------------------------------------------------------------------------

def test_duplicates_are_collapsed_into_the_first_definition():
    path = os.path.join(CORPUS_DIR, 'duplicate_mail_keys.properties')
    before = open(path, 'rb').read().decode('utf-8')
    document = PropertiesDocument.from_text(before)
    assert document.occurrences('mail.session.mail.smtp.password') == 2
    assert document.get('mail.session.mail.smtp.password') == 'first-part,second'
    warnings = document.set('mail.session.mail.smtp.password', 'new')
    assert len(warnings) == 1 and 'defined 2 times' in warnings[0]
    assert 'new' not in warnings[0]
    document.set('mail.session.mail.smtp.port', '587')
    after = document.to_text()
    lines = after.split('\n')
    assert lines.count('mail.session.mail.smtp.password=new') == 1
    # Rewritten where it first stood, with its continuation gone but the
    # comment that sat inside the continuation kept.
    assert lines[6:9] == [
        'mail.session.mail.smtp.host=smtp2.example.com',
        'mail.session.mail.smtp.password=new',
        '    # this comment line is skipped inside the continuation']
    assert 'second' not in after and '-part' not in after
    assert 'mail.session.mail.smtp.port=587' in lines[3]
    assert 'mail.session.mail.smtp.port : 2525' not in after
    assert commons_read(after)[1]['mail.session.mail.smtp.port'] == 1


def test_separator_and_indentation_are_kept_when_rewriting():
    document = PropertiesDocument.from_text('  a : 1\nb 2\nc=3\n')
    document.set('a', 'x')
    document.set('b', '')
    document.set('c', ' spaced')
    assert document.to_text() == '  a : x\nb=\nc=\\u0020spaced\n'


def test_remove_deletes_every_definition_with_its_continuation():
    document = PropertiesDocument.from_text('a=1\\\n  2\nb=1\na=3\n# end')
    assert document.remove('a') is True
    assert document.remove('a') is False
    assert document.to_text() == 'b=1\n# end'
    assert document.keys() == ['b']


def test_set_then_remove_a_new_key():
    document = PropertiesDocument.from_text('b=1\n')
    document.set('n', 'v')
    assert document.keys() == ['b', 'n'] and document.occurrences('n') == 1
    assert document.get('n') == 'v'
    assert document.remove('n') is True
    assert document.to_text() == 'b=1\n'


def test_get_of_a_new_key_matches_what_is_read_after_writing():
    document = PropertiesDocument.from_text('')
    document.set('n', 'a${b}')
    assert document.get('n') == 'a$${b}'
    assert document.get('n', {}) == 'a${b}'
    assert read_properties(document.to_text()) == {'n': 'a$${b}'}


@pytest.mark.parametrize('before, after', [
    ('', '# Mail session, managed by liferay_ops.mail\nk=v\n'),
    ('a=1', 'a=1\n\n# Mail session, managed by liferay_ops.mail\nk=v'),
    ('a=1\r\n', 'a=1\r\n\r\n# Mail session, managed by liferay_ops.mail\r\nk=v\r\n'),
    ('a=1\r', 'a=1\r\r# Mail session, managed by liferay_ops.mail\rk=v\r'),
    ('a=1\n\n', 'a=1\n\n# Mail session, managed by liferay_ops.mail\nk=v\n'),
    # A continuation left open at the end would swallow the block: it goes before.
    ('a=1\nb=2\\', 'a=1\n\n# Mail session, managed by liferay_ops.mail\nk=v\nb=2\\'),
])
def test_new_block_placement_and_newlines(before, after):
    document = PropertiesDocument.from_text(before)
    document.set('k', 'v')
    assert document.to_text() == after
    assert commons_read(after)[0].get('k') == 'v'


def test_keys_and_occurrences():
    document = PropertiesDocument.from_text('b=1\na=2\nb=3\ninclude=x\n')
    assert document.keys() == ['b', 'a']
    assert document.occurrences('b') == 2
    assert document.occurrences('missing') == 0
    assert document.get('missing') is None
    assert occurrence_counts('b=1\na=2\nb=3\n') == {'b': 2, 'a': 1}


def test_byte_order_mark_is_kept_and_reported():
    data = u'\ufeffmail.session.mail=true\nx=1\n'.encode('utf-8')
    document = PropertiesDocument.from_bytes(data)
    assert document.has_bom
    assert document.to_bytes() == data
    warnings = document.set('mail.session.mail', 'true')
    assert warnings and 'byte order mark' in warnings[0]
    assert document.to_bytes().startswith(u'\ufeffmail.session.mail=true\n'.encode('utf-8'))
    assert read_properties(document.to_text())['mail.session.mail'] == 'true'


@pytest.mark.parametrize('text, value, expected', [
    ('k=a$${b}', 'a${b}', True),
    ('k=a${b}', 'a${b}', False),            # the portal may resolve ${b}
    ('k=a\\,b', 'a,b', True),
    ('k=a , b', 'a,b', True),               # a list, which Liferay joins to the same text
    ('k=1\nk=1', '1', False),               # defined twice
    ('', '', False),
    ('k=', '', True),
])
def test_reads_as(text, value, expected):
    assert PropertiesDocument.from_text(text).reads_as('k', value) is expected


def test_custom_marker():
    document = PropertiesDocument.from_text('a=1\n')
    document.marker = '# Managed elsewhere'
    document.set('k', 'v')
    assert document.to_text() == 'a=1\n\n# Managed elsewhere\nk=v\n'


def test_large_file_edit_is_quick_enough_to_run_in_units():
    lines = ['some.portal.key.%d=value %d, with a comma' % (number, number) for number in range(20000)]
    text = '\n'.join(lines) + '\n'
    document = PropertiesDocument.from_text(text)
    for key, value in MAIL_SETTINGS.items():
        document.set(key, value)
    document.set('some.portal.key.5', 'x')
    result = document.to_text()
    assert result.startswith(text.split('some.portal.key.5=', 1)[0])
    assert read_properties(result, {})['some.portal.key.5'] == 'x'


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

def test_invalid_utf8_is_reported():
    data = u'mail.session.mail.smtp.password=s\u00e9cret\n'.encode('latin-1')
    with pytest.raises(PropertiesFileError, match='not valid UTF-8') as raised:
        PropertiesDocument.from_bytes(data)
    assert 'cret' not in str(raised.value)


def test_unicode_escape_cut_by_the_end_of_the_value_is_dropped():
    """PropertiesConfiguration.unescapeJava (Commons 1.10) never flushes an unfinished \\u escape
    (docs/liferay-model.md §1.3)."""
    assert read_properties('mail.session.mail.smtp.password=secret\\u12') == {
        'mail.session.mail.smtp.password': 'secret'}


@pytest.mark.parametrize('text', [
    'mail.session.mail.smtp.password=sec\\u12G4ret',
    'other=1\nmail.session.mail.smtp.password=sec\\u-123ret',
])
def test_bad_unicode_escape_is_reported_without_the_value(text):
    with pytest.raises(PropertiesFileError, match='line [12].*\\\\u escape') as raised:
        PropertiesDocument.from_text(text)
    assert 'sec' not in str(raised.value).replace('smtp', '')


def test_bad_unicode_escape_in_a_key_is_reported():
    with pytest.raises(PropertiesFileError, match='line 1'):
        read_properties('k\\uZZZZ=1')


def test_text_must_be_decoded():
    with pytest.raises(TypeError):
        PropertiesDocument.from_text(b'a=1')


def test_relative_include_is_read_from_liferay_home_or_reported_unread(tmp_path):
    """ClassLoaderAggregateProperties/ConfigurationUtils.locate: a relative include-and-override name is not
    resolved next to the including file (docs/liferay-model.md §1.6)."""
    from ansible_collections.liferay_ops.mail.plugins.module_utils.layers import properties_chain

    home = tmp_path / 'home'
    etc = tmp_path / 'etc'
    home.mkdir()
    etc.mkdir()
    (home / 'portal-ext.properties').write_text('include-and-override=%s/site.properties,mail.properties\n' % etc)
    (home / 'mail.properties').write_text('mail.session.mail.smtp.host=home.example.com\n')
    (etc / 'site.properties').write_text('include-and-override=beside.properties\n')
    (etc / 'beside.properties').write_text('mail.session.mail.smtp.host=beside.example.com\n')
    layers = properties_chain(str(home / 'portal-ext.properties'), str(home))
    assert [layer.name for layer in layers] == [
        'portal-ext.properties', 'site.properties', 'beside.properties (not read)', 'mail.properties']
    unread = layers[2]
    assert unread.values == {} and 'class path' in unread.unread
    assert layers[3].values == {'mail.session.mail.smtp.host': 'home.example.com'}
