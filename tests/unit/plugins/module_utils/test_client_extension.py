# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client-extension.yaml editor: round trips, refusals, and what PyYAML reads back.

PyYAML reads YAML 1.1 the way SnakeYAML (Liferay's workspace) does, so it is the judge:
every file the editor writes must load, the managed entry must hold exactly the declared
values with their types, and every other entry must load as it did before.
"""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import ClientExtensionError
from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.client_extension import (
    BOOL,
    NULL,
    OTHER,
    STR,
    ClientExtensionFile,
    check_entry_id,
    emit_scalar,
    parse_scalar,
    read_client_extension,
)

PID = 'com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration'
ID = 'mail-instance-settings'

# Liferay's sample workspace (liferay-portal, workspaces/liferay-sample-workspace/client-extensions):
# liferay-sample-instance-settings and liferay-sample-etc-spring-boot, shortened.
SAMPLE_INSTANCE_SETTINGS = (
    'liferay-sample-instance-settings-d5f7j8:\n'
    '    invitationEmailBody:\n'
    '        en_US: |\n'
    '            <p>\n'
    '                [$INVITE_SENDER_NAME$] has invited you to join [$ACCOUNT_NAME$].\n'
    '            </p>\n'
    '    invitationEmailSubject:\n'
    '        en_US: |\n'
    '            [$INVITE_SENDER_NAME$] has invited you to join [$ACCOUNT_NAME$]\n'
    '    invitationTokenExpirationTime: 72\n'
    '    name: Liferay Sample Instance Settings D5F7J8\n'
    '    pid: com.liferay.account.configuration.AccountEntryEmailConfiguration\n'
    '    type: instanceSettings\n'
    'liferay-sample-instance-settings-e9b8w3:\n'
    '    allowedDomains:\n'
    '        -   localhost\n'
    '        -   "*.lfr.dev"\n'
    '    name: Liferay Sample Instance Settings E9B8W3\n'
    '    pid: com.liferay.redirect.internal.configuration.RedirectURLConfiguration\n'
    '    securityMode: domain\n'
    '    type: instanceSettings\n'
)
SAMPLE_SPRING_BOOT = (
    'assemble:\n'
    '    -   fromTask: bootJar\n'
    'liferay-sample-etc-spring-boot-oaua:\n'
    '    .serviceAddress: localhost:58081\n'
    '    .serviceScheme: http\n'
    '    name: Liferay Sample Etc Spring Boot OAuth Application User Agent\n'
    '    scopes:\n'
    '        -   Liferay.Headless.Admin.User.everything\n'
    '    type: oAuthApplicationUserAgent\n'
    'liferay-sample-etc-spring-boot-object-action-1:\n'
    '    name: Liferay Sample Etc Spring Boot Object Action 1\n'
    '    oAuth2ApplicationExternalReferenceCode: liferay-sample-etc-spring-boot-oaua\n'
    '    resourcePath: /object/action/1\n'
    '    type: objectAction'  # no final newline
)
SAMPLES = (SAMPLE_INSTANCE_SETTINGS, SAMPLE_SPRING_BOOT, SAMPLE_SPRING_BOOT.replace('\n', '\r\n'), '\ufeff' + SAMPLE_SPRING_BOOT)

MAIL = (
    ('outgoingSMTPServer', (STR, 'smtp.example.com')),
    ('outgoingSMTPPort', (STR, '587')),
    ('enableStartTLS', (BOOL, True)),
    ('smtpUserName', (STR, 'portal@example.com')),
    ('smtpPassword', (STR, 'p"a\\s: #s, ${x}\n')),
    ('additionalJavaMailProperties', (STR, 'mail.smtp.connectiontimeout=5000\nmail.smtp.timeout=5000')),
)


def python_value(typed):
    return typed[1]


def write_mail_entry(text, values=MAIL):
    document = ClientExtensionFile(text, ID)
    document.set('type', (STR, 'instanceSettings'))
    document.set('pid', (STR, PID))
    for name, typed in values:
        document.set(name, typed)
    return document.to_text()


@pytest.mark.parametrize('text', SAMPLES)
def test_an_untouched_file_is_written_back_byte_for_byte(text):
    assert ClientExtensionFile(text, ID).to_text() == text
    assert ClientExtensionFile(text, 'liferay-sample-instance-settings-e9b8w3').to_text() == text


@pytest.mark.parametrize('text', SAMPLES)
def test_adding_the_entry_keeps_every_other_entry(text):
    written = write_mail_entry(text)
    assert written.startswith(text.rstrip('\r\n'))
    before = yaml.safe_load(text.lstrip('\ufeff'))
    after = yaml.safe_load(written.lstrip('\ufeff'))
    entry = after.pop(ID)
    assert after == before
    assert entry == dict([('type', 'instanceSettings'), ('pid', PID)] + [(n, python_value(t)) for n, t in MAIL])
    if '\r\n' in text:
        assert '\n' not in written.replace('\r\n', '')
    assert written.startswith('\ufeff') == text.startswith('\ufeff')


def test_a_new_entry_is_sorted_and_indented_like_liferays_samples():
    written = write_mail_entry(SAMPLE_INSTANCE_SETTINGS)
    entry = written[len(SAMPLE_INSTANCE_SETTINGS):]
    assert entry.splitlines()[0] == ID + ':'
    keys = [line.strip().split(':')[0] for line in entry.splitlines()[1:]]
    assert keys == sorted(keys, key=str.lower)
    assert all(line.startswith('    ') and not line.startswith('     ') for line in entry.splitlines()[1:])
    assert '    outgoingSMTPServer: smtp.example.com\n' in entry  # plain where it is safe
    assert '    outgoingSMTPPort: "587"\n' in entry  # a String, not an int
    assert '    enableStartTLS: true\n' in entry


def test_editing_keeps_other_keys_comments_and_trailing_comments():
    text = (
        '# Mail for the default instance\n'
        + ID + ':\n'
        '  description: Mail   # shown in the UI\n'
        '  # the relay\n'
        "  outgoingSMTPServer: 'old.example.com'  # changed by Ansible\n"
        '  pid: ' + PID + '\n'
        '  type: instanceSettings\n'
        '\n'
        '# next\n'
        'other:\n'
        '  type: batch\n'
    )
    document = ClientExtensionFile(text, ID)
    document.set('outgoingSMTPServer', (STR, 'smtp.example.com'))
    document.set('enableStartTLS', (BOOL, False))
    written = document.to_text()
    assert written == text.replace("'old.example.com'  #", 'smtp.example.com  #').replace(
        '  # the relay\n', '  enableStartTLS: false\n  # the relay\n')


def test_removing_a_key_keeps_its_comment_and_the_entry_can_be_removed_whole():
    text = ID + ':\n    # host\n    outgoingSMTPServer: a.example.com\n    type: instanceSettings\nother:\n    type: batch\n'
    document = ClientExtensionFile(text, ID)
    document.remove('outgoingSMTPServer')
    assert document.to_text() == ID + ':\n    # host\n    type: instanceSettings\nother:\n    type: batch\n'
    document = ClientExtensionFile(text, ID)
    document.remove_entry()
    assert document.to_text() == 'other:\n    type: batch\n'
    only = ClientExtensionFile(ID + ':\n    type: instanceSettings\n', ID)
    only.remove_entry()
    assert only.is_empty()


def test_a_block_scalar_that_keeps_its_trailing_blank_lines_keeps_them():
    text = ID + ':\n    body: |+\n        hello\n\n    type: instanceSettings\n'
    document = ClientExtensionFile(text, ID)
    document.set('pid', (STR, PID))
    written = document.to_text()
    assert yaml.safe_load(written)[ID]['body'] == 'hello\n\n'


@pytest.mark.parametrize('raw, typed', [
    ('smtp.example.com', (STR, 'smtp.example.com')),
    ('"587"', (STR, '587')),
    ("'it''s'", (STR, "it's")),
    ('"a\\tb\\u00e9\\x41"', (STR, 'a\tb\u00e9A')),
    ('587', (OTHER, '587')),
    ('0x1F', (OTHER, '0x1F')),
    ('1:20', (OTHER, '1:20')),
    ('2025-01-02', (OTHER, '2025-01-02')),
    ('yes', (BOOL, True)),
    ('Off', (BOOL, False)),
    ('~', (NULL, None)),
    ('', (NULL, None)),
    ('# only a comment', (NULL, None)),
    ('value # comment', (STR, 'value')),
    ('a#b', (STR, 'a#b')),
])
def test_scalars_are_typed_as_yaml_1_1_types_them(raw, typed):
    assert parse_scalar(raw, 1) == typed
    loaded = yaml.safe_load('k: %s\n' % raw)['k']
    if typed[0] in (STR, BOOL, NULL):
        assert loaded == typed[1]
    else:
        assert not isinstance(loaded, str)


@pytest.mark.parametrize('text, where', [
    ('a: {b: c}\n' + ID + ': {type: instanceSettings}\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: &host a.example.com\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: *host\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: !!str a\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: |\n        a.example.com\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: "a.example\n        .com"\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: a\n    outgoingSMTPServer: b\n', 'line 3'),
    (ID + ':\n  outgoingSMTPServer: a.example\n    .com\n', 'line 2'),
    (ID + ':\n    pid: x\n  type: y\n', 'line 3'),
    (ID + ':\n    - a\n', 'line 2'),
    ('---\n' + ID + ':\n    type: instanceSettings\n', 'line 1'),
    ('%YAML 1.1\n' + ID + ':\n', 'line 1'),
    (ID + ':\n    a: 1\n' + ID + ':\n    b: 2\n', 'line 3'),
    ('\tkey: value\n', 'line 1'),
    ('just text\n', 'line 1'),
    (ID + ':\n    outgoingSMTPServer: a: b\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: "a"b\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: a\rb\n', 'line 2'),
    (ID + ':\n    outgoingSMTPServer: a\u2028b\n', 'line 2'),
])
def test_a_file_that_cannot_be_edited_safely_is_refused_with_the_line(text, where):
    with pytest.raises(ClientExtensionError) as refused:
        document = read_client_extension(text.encode('utf-8'), ID, '/x/client-extension.yaml')
        document.value('outgoingSMTPServer')
        document.set('outgoingSMTPServer', (STR, 'b.example.com'))
    assert where in str(refused.value)
    assert 'client_extension_file' in str(refused.value) or 'line' in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ClientExtensionError) as refused:
        read_client_extension(b'a: \xff\n', ID, '/x/client-extension.yaml')
    assert 'not UTF-8' in str(refused.value)


def test_a_lone_surrogate_is_refused_naming_the_option():
    with pytest.raises(ClientExtensionError) as refused:
        emit_scalar((STR, 'a\ud800'), 'smtp.password')
    assert str(refused.value).startswith('smtp.password:')


@pytest.mark.parametrize('entry_id', ['', 'Mail', 'mail settings', '-mail', 'a:b', 'x#'])
def test_an_entry_id_that_is_no_plain_key_is_refused(entry_id):
    with pytest.raises(ClientExtensionError) as refused:
        check_entry_id(entry_id)
    assert 'client_extension_id' in str(refused.value)


TRICKY = st.sampled_from([
    'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '', ' ', '587', '0o17', '0x1F', '1:20', '1e3', '.5',
    '.inf', '.NaN', '2025-01-02', '<<', '=', '-', '- a', '? a', ': a', '#a', 'a #b', 'a: b', '[a]', '{a}', '&a', '*a',
    '!a', '|', '>', '%a', '@a', '`a', '"', "'", '\\', 'a\\nb', '\t', '\n', '\r\n', '\x00', '\x7f', '\x85', '\xa0',
    '\u2028', '\ufeff', '\ufffe', '\U0001f600', 'é', 'smtp.example.com', 'user@example.com', ' lead', 'trail ',
])
TEXT = st.one_of(TRICKY, st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=30),
                 st.lists(TRICKY, max_size=4).map(''.join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.tuples(st.sampled_from([n for n, _t in MAIL]), st.one_of(TEXT, st.booleans())),
                       max_size=6),
       base=st.sampled_from(SAMPLES + ('',)))
def test_what_is_written_parses_back_with_pyyaml_to_exactly_the_declared_values(values, base):
    declared = dict((name, (BOOL, value) if isinstance(value, bool) else (STR, value)) for name, value in values)
    written = write_mail_entry(base, list(declared.items()))
    loaded = yaml.safe_load(written.lstrip('\ufeff'))[ID]
    expected = dict((name, typed[1]) for name, typed in declared.items())
    expected.update(type='instanceSettings', pid=PID)
    assert loaded == expected
    for value in loaded.values():
        assert type(value) in (str, bool)  # pylint: disable=unidiomatic-typecheck
    # The editor reads its own output back the same way, and a second write changes nothing.
    again = ClientExtensionFile(written, ID)
    for name, typed in declared.items():
        assert again.value(name) == typed
    assert write_mail_entry(written, list(declared.items())) == written
