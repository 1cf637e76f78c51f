"""LIFERAY_* values against the real Apache Commons Configuration 1.10 (docs/liferay-model.md §2).

Liferay applies every decoded environment variable with CompositeConfiguration.setProperty
(EnvPropertiesUtil.loadEnvOverrides), and the text of LIFERAY_PROPS_BY_COMPANY_<id> key by key
the same way. The env_file backend (plugins/module_utils/backends/env_file.py), the module's
read-back (portal_reads) and the simulator (tests/support/liferay_sim/properties.py) must agree
with what the real library makes of a value.
"""


import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import props_oracle
from liferay_sim import properties as sim_properties
from liferay_sim.properties import PortalProperties, Source

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.env_file import (
    EnvFile,
    encode_env_value,
    portal_reads,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import BackendError
from ansible_collections.liferay_ops.mail.plugins.module_utils.settings import MANAGED_KEYS, OPTION_FOR_KEY


BATCH = 200
EXAMPLES = 12
FRAGMENTS = [
    ',', ',', ' , ', '\\', '\\', '\\\\', '\\,', '\\\\,', '${', '$${', '$$', '}', '${k1}', '#', '!', '=', ':',
    ' ', '\t', '\n', '\r', '\x00', '\x7f', '\x85', '\u00a0', '\u2028', '\ufeff', 'é', '日本', '\U0001f600',
    '\\u0041', '\\n', '\\t', 'a', 'b',
]
CHARS = st.characters(blacklist_categories=('Cs',))
PIECE = st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARS, min_size=1, max_size=3))
VALUE = st.lists(PIECE, max_size=8).map(''.join)
HYPOTHESIS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
KEY = 'mail.session.mail.smtp.password'


@pytest.fixture(scope='module', autouse=True)
def java():
    props_oracle.require_java()


def simulator_env_reads(key, raw):
    config = PortalProperties([Source('env', {key: sim_properties.env_value(raw)})])
    try:
        return config.get(key)
    except sim_properties.PropertiesSyntaxError:
        return props_oracle.Unreadable('cycle')


def test_setproperty_splits_twice():
    """CompositeConfiguration.addPropertyDirect hands each piece to inMemoryConfiguration.addProperty, which splits again."""
    assert props_oracle.read_env_values([
        ('k', 'a\\\\,b'), ('k', 'a\\\\\\,b,c'), ('k', 'a , b'), ('k', ',a,b'), ('k', 'x\\,y'), ('k', 'no comma \\ here'),
    ]) == ['a\\,b', 'a,b,c', 'a,b', ',a,b', 'x,y', 'no comma \\ here']


def test_env_file_backend_values_read_back_by_commons():
    """encode_env_value: Commons reads every accepted value back exactly; refused ones name the option."""
    stats = {'values': 0, 'accepted': 0, 'refused': 0, 'batches': 0, 'disagreements': 0}
    option = OPTION_FOR_KEY[KEY]

    @HYPOTHESIS
    @given(st.lists(VALUE, min_size=BATCH, max_size=BATCH))
    def check(values):
        accepted = []
        for value in values:
            try:
                raw = encode_env_value(KEY, value)
            except BackendError as error:
                assert str(error).startswith(option + ':'), str(error)
                stats['refused'] += 1
                continue
            # The file line as the backend writes it, and the value a container runtime passes on.
            document = EnvFile('')
            document.set(KEY, raw)
            reread = EnvFile(document.to_bytes().decode('utf-8'))
            assert reread.value(KEY) == value
            [line] = reread.definitions(KEY)
            accepted.append((value, line.raw))
        commons = props_oracle.read_env_values([(KEY, raw) for _value, raw in accepted])
        wrong = []
        for (value, raw), read in zip(accepted, commons):
            if read != value:
                wrong.append(('commons', value, raw, read))
            if portal_reads(raw) != read:
                wrong.append(('module', raw, portal_reads(raw), read))
            if simulator_env_reads(KEY, raw) != read:
                wrong.append(('simulator', raw, simulator_env_reads(KEY, raw), read))
        props_oracle.count_batch(stats, values, accepted, wrong)

    check()
    props_oracle.finish('env_file_backend', stats)


def test_raw_env_values_read_alike():
    """Any raw LIFERAY_* value: the simulator and the module's read-back agree with Commons."""
    stats = {'values': 0, 'disagreements': 0}

    @HYPOTHESIS
    @given(st.lists(VALUE, min_size=BATCH, max_size=BATCH))
    def check(values):
        commons = props_oracle.read_env_values([(KEY, value) for value in values])
        wrong = []
        for raw, read in zip(values, commons):
            if simulator_env_reads(KEY, raw) != read:
                wrong.append(('simulator', raw, simulator_env_reads(KEY, raw), read))
            # The module marks a ${name} the portal might resolve instead of guessing its value.
            if '${' not in read and portal_reads(raw) != read:
                wrong.append(('module', raw, portal_reads(raw), read))
        stats['values'] += len(values)
        stats['disagreements'] += len(wrong)
        assert wrong == []

    check()
    props_oracle.record('env_raw', stats)
    assert stats['values'] >= 2000


def test_props_by_company_text_reads_alike():
    """LIFERAY_PROPS_BY_COMPANY_<id>: properties text, each key applied with setProperty (split twice)."""
    stats = {'texts': 0, 'values': 0, 'disagreements': 0}
    line = st.builds(lambda index, value: 'k%d=%s' % (index, value), st.integers(0, 5), VALUE)

    @HYPOTHESIS
    @given(st.lists(st.lists(line, min_size=1, max_size=6).map('\n'.join), min_size=40, max_size=40))
    def check(texts):
        commons = props_oracle.read_company_texts(texts)
        wrong = []
        for text, expected in zip(texts, commons):
            environ = {'LIFERAY_PROPS_BY_COMPANY_20097': text}
            config = sim_properties.load_portal_properties('/nonexistent-liferay-home', environ, 20097)
            for key, value in expected.items():
                try:
                    got = config.get(key)
                except sim_properties.PropertiesSyntaxError:
                    got = props_oracle.Unreadable('cycle')
                if got != value:
                    wrong.append((text, key, got, value))
            stats['values'] += len(expected)
        stats['texts'] += len(texts)
        stats['disagreements'] += len(wrong)
        assert wrong == []

    check()
    props_oracle.record('env_props_by_company', stats)
    assert stats['values'] >= 500


@pytest.mark.parametrize('key', MANAGED_KEYS)
def test_managed_key_values_with_commas_round_trip(key):
    """A managed key of every kind: a comma value written by the backend comes back whole."""
    value = 'a\\b,c , d'
    raw = encode_env_value(key, value)
    assert props_oracle.read_env_values([(key, raw)]) == [value]
