"""Property-based tests of the settings model and the properties editor, in-process.

Options are drawn the way the argument spec hands them over (types already converted); whatever
they hold, MailSettings.from_params + PropertiesDocument.set/to_text must either refuse cleanly
(SettingsError / PropertiesFileError naming the option or key) or write a file that the simulator's
independent reader reads back to exactly the managed values, with no extra key and every
unrelated definition unchanged.
"""

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import (
    PropertiesDocument,
    PropertiesFileError,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import (
    MANAGED_KEYS,
    MailSettings,
    SettingsError,
)

from reliability_helpers import key_counts, portal_values

# Text that stresses every escaping rule: separators, comment starters, ${, commas, backslashes,
# whitespace and control characters, non-ASCII (incl. astral and U+2028), lone surrogates excluded
# (YAML and JSON cannot carry them to a module).
SPECIAL = u',\\=:#!${} \t\r\n\x0b\x0c\x00\x7f\x85\u00a0\u2028\u2029\ufeff\u00e9\u65e5\U0001f511'
tricky_text = st.text(
    alphabet=st.one_of(st.sampled_from(list(SPECIAL)), st.characters(blacklist_categories=('Cs',))),
    max_size=40)
host_text = st.one_of(
    st.from_regex(r'\A[a-z0-9]([a-z0-9-]{0,20}\.){0,3}[a-z]{2,6}\Z'),
    st.sampled_from(['127.0.0.1', '::1', '[2001:db8::1]', 'smtp.example.com', '']),
    tricky_text)
port = st.one_of(st.none(), st.integers(min_value=-5, max_value=70000))


def server(securities, with_notifications=False):
    fields = dict(
        host=host_text,
        port=port,
        security=st.one_of(st.sampled_from(securities), st.none(), tricky_text),
        user=st.one_of(st.none(), tricky_text),
        password=st.one_of(st.none(), tricky_text),
    )
    if with_notifications:
        fields['notifications'] = st.booleans()
    return st.fixed_dictionaries(fields)


javamail_value = st.one_of(tricky_text, st.integers(), st.booleans(), st.floats(allow_nan=False),
                           st.none(), st.lists(st.integers(), max_size=2))
javamail = st.dictionaries(
    st.one_of(st.from_regex(r'\Amail\.(smtp|smtps|pop3)\.[a-z.]{1,20}\Z'), tricky_text),
    javamail_value, max_size=4)
params = st.fixed_dictionaries(dict(
    smtp=st.one_of(st.none(), server(['none', 'starttls', 'ssl'])),
    pop=st.one_of(st.none(), server(['none', 'ssl'], with_notifications=True)),
    javamail_properties=javamail,
))

EXISTING_FILES = st.sampled_from([
    u'',
    u'# no managed keys\nunrelated.key=a,b\\,c\n',
    u'mail.session.mail.smtp.host=old.example.com\r\nmail.session.mail.smtp.host=dup.example.com\r\njdbc.default.password=db\r\n',
    u'mail.session.mail.smtp.password=old\\,pw\nlong.value=a,\\\n    b,\\\n    c\n# Mail session, managed by liferay_ops.mail\nmail.session.mail=true\n',
    u'\ufeffkey.with.bom=1\nmail.session.mail.pop3.user  joe\nunterminated=x',
    u'include-and-override=portal-db.properties\nmail.session.mail.advanced.properties=mail.smtp.timeout\\=5\n',
])

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(options):
    """The module's in-process path: settings model, then the editor. Only clean errors may escape."""
    try:
        model = MailSettings.from_params(options)
    except SettingsError as error:
        assert error.option and str(error).startswith(error.option.split('.')[0]), str(error)
        return None
    return model


@FUZZ
@given(options=params)
def test_settings_model_never_crashes_and_names_the_option(options):
    model = build(options)
    if model is None:
        return
    keys = model.portal_properties()
    assert set(keys) <= set(MANAGED_KEYS)
    assert all(isinstance(value, str) for value in keys.values())
    for server_name in ('smtp', 'pop'):
        given_server = options.get(server_name)
        if given_server is not None:
            assert getattr(model, server_name)['password'] == (given_server['password'] or '')


@FUZZ
@given(options=params, existing=EXISTING_FILES)
def test_editor_writes_what_the_portal_reads_back(options, existing):
    model = build(options)
    assume(model is not None)
    keys = model.portal_properties()
    document = PropertiesDocument.from_text(existing)
    try:
        for key, value in keys.items():
            document.set(key, value)
    except PropertiesFileError as error:
        # Only a value the portal would trim can be refused, and the message names the key.
        assert any(str(error).startswith(key + ':') for key in keys), str(error)
        return
    text = document.to_text()
    before = portal_values(existing)
    after = portal_values(text)
    for key, value in keys.items():
        assert after.get(key) == value, key
    counts = key_counts(text)
    for key in keys:
        assert counts[key] == 1, key
    # Nothing new besides the managed keys; unrelated keys read as before.
    assert set(after) <= set(before) | set(keys)
    for key, value in before.items():
        if key not in keys:
            assert after.get(key) == value, key
    # A second pass is a no-op (idempotence), and the round trip is stable.
    again = PropertiesDocument.from_text(text)
    assert all(again.reads_as(key, value) for key, value in keys.items())
    for key, value in keys.items():
        again.set(key, value)
    assert again.to_text() == text


@FUZZ
@given(key=st.sampled_from(MANAGED_KEYS), value=tricky_text)
def test_any_single_value_round_trips_or_is_refused(key, value):
    document = PropertiesDocument.from_text(u'a=1\n')
    try:
        document.set(key, value)
    except PropertiesFileError as error:
        assert str(error).startswith(key + ':')
        assert value not in str(error) or len(value) < 3
        return
    text = document.to_text()
    assert portal_values(text) == {'a': '1', key: value}
    assert text.startswith(u'a=1\n')


@pytest.mark.parametrize('value', [u' a,b', u'a,b ', u'\ta,b', u'a,b\n'])
def test_unwritable_values_are_refused_with_the_key_named(value):
    document = PropertiesDocument.from_text(u'')
    with pytest.raises(PropertiesFileError) as caught:
        document.set('mail.session.mail.smtp.password', value)
    assert str(caught.value).startswith('mail.session.mail.smtp.password:')
    assert value.strip() not in str(caught.value)
