"""Portal properties files against the real Apache Commons Configuration 1.10 (docs/liferay-model.md §1).

Three readers must agree with the real library on the same bytes:

* what the properties backend writes (plugins/module_utils/formats/properties.py, PropertiesDocument.set)
  is read back by Commons exactly as given, or set() refuses it naming the key and nothing changes;
* the module's own reader (PropertiesDocument.get, used by reads_as and mail_settings_info);
* the simulator's reader (tests/support/liferay_sim/properties.py).

Hypothesis generates batches of values; each batch is one file and one JVM start.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import props_oracle
from liferay_sim import properties as sim_properties
from liferay_sim.properties import PortalProperties, Source

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats.properties import (
    PropertiesDocument,
    PropertiesFileError,
    read_properties,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / 'tests' / 'unit' / 'plugins' / 'module_utils' / 'properties_corpus'

BATCH = 200
EXAMPLES = 12

# Pieces that matter to a properties reader, mixed with arbitrary characters (astral ones included).
FRAGMENTS = [
    ',', ',', '\\', '\\', '\\\\', '\\,', '${', '$${', '$$', '}', '${k1}', '$${k1}', '${k2}', '#', '!', '=', ':',
    ' ', '  ', '\t', '\n', '\r', '\r\n', '\f', '\x0b', '\x00', '\x7f', '\x85', '\u00a0', '\u2028', '\u2029',
    '\ufeff', 'é', '日本', '\U0001f600', '\U00010348', '\\u0041', '\\u00e9', '\\uD83D\\uDE00', '\\n', '\\t',
    '\\ ', 'a', 'b', 'key', 'include',
]
CHARS = st.characters(blacklist_categories=('Cs',))
PIECE = st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARS, min_size=1, max_size=3))
VALUE = st.lists(PIECE, max_size=8).map(''.join)
# Raw file lines (not written by the module): a keyed line or anything at all.
RAW_LINE = st.one_of(
    st.builds(lambda index, value: 'k%d=%s' % (index, value), st.integers(0, 3), VALUE),
    st.builds(lambda index, sep, value: 'k%d%s%s' % (index, sep, value), st.integers(0, 3),
              st.sampled_from([' ', ':', ' = ', '\t', ' :', '\\ ', '']), VALUE),
    VALUE,
)
# No shrinking: a batch takes one JVM start, and the assertion already lists every wrong value.
HYPOTHESIS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture(scope='module', autouse=True)
def java():
    props_oracle.require_java()


def simulator_reads(text):
    """{key: value} as the simulator's PortalProperties returns it, or the exception it raises."""
    try:
        config = PortalProperties([Source('file', sim_properties.parse_properties(text))])
    except sim_properties.PropertiesSyntaxError as error:
        return error
    out = {}
    for key in config.keys():
        try:
            out[key] = config.get(key)
        except sim_properties.PropertiesSyntaxError:
            out[key] = props_oracle.Unreadable('cycle')
    return out


def module_reads(text):
    """{key: value} as the module reads it (without interpolation), or the PropertiesFileError."""
    try:
        return read_properties(text)
    except PropertiesFileError as error:
        return error


def has_include_directive(text):
    """Whether Commons sees an "include" key: the module edits text and cannot know whether the file exists."""
    # pylint: disable=protected-access
    for line in sim_properties._logical_lines(text):
        key = sim_properties._split_key_value(line)[0]
        try:
            if sim_properties.unescape_java(key, delimiter=None).lower() == 'include':
                return True
        except sim_properties.PropertiesSyntaxError:
            return True
    return False


def write_batch(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode('utf-8'))
    return path


def test_reader_sees_a_value_as_liferay_does(tmp_path):
    """Smoke check of the oracle itself: ClassLoaderAggregateProperties.getString merges lists, interpolates the rest."""
    path = write_batch(tmp_path, 'a.properties', 'a=x , y\nb=${a}\nc=$${a}\nd=${missing}\n')
    [values] = props_oracle.read_files([path])
    # ${a} of a list key is its first element (AbstractConfiguration.resolveContainerStore).
    assert values == {'a': 'x,y', 'b': 'x', 'c': '${a}', 'd': '${missing}'}


def test_corpus_files_read_alike(tmp_path):
    """Every corpus file: the simulator and the module read what Commons reads."""
    files = sorted(CORPUS.glob('*.properties'))
    assert files
    oracle = props_oracle.read_files(files)
    disagreements = []
    for path, expected in zip(files, oracle):
        text = path.read_bytes().decode('utf-8')
        assert not isinstance(expected, Exception), '%s: Commons refused it: %s' % (path.name, expected)
        if simulator_reads(text) != expected:
            disagreements.append(('simulator', path.name))
        plain = dict((key, value) for key, value in expected.items() if '$' not in value)
        module = module_reads(text)
        if dict((key, module.get(key)) for key in plain) != plain:
            disagreements.append(('module', path.name))
    props_oracle.record('properties_corpus', {'files': len(files), 'disagreements': len(disagreements)})
    assert disagreements == []


def test_properties_backend_writes_what_commons_reads_back(tmp_path):
    """PropertiesDocument.set: Commons reads every accepted value back exactly; refused ones name the key."""
    stats = {'values': 0, 'accepted': 0, 'refused': 0, 'batches': 0, 'disagreements': 0}

    @HYPOTHESIS
    @given(st.lists(VALUE, min_size=BATCH, max_size=BATCH))
    def check(values):
        document = PropertiesDocument.from_text('# existing\nother=1\n')
        accepted = {}
        for index, value in enumerate(values):
            key = 'mail.session.mail.fuzz%d' % index
            before = document.to_text()
            try:
                document.set(key, value)
            except PropertiesFileError as error:
                assert key in str(error)
                assert document.to_text() == before, 'a refused value changed the document'
                stats['refused'] += 1
                continue
            accepted[key] = value
        text = document.to_text()
        path = write_batch(tmp_path, 'written.properties', text)
        [commons] = props_oracle.read_files([path])
        assert not isinstance(commons, Exception), commons
        reread = PropertiesDocument.from_text(text)
        simulated = simulator_reads(text)
        wrong = []
        for key, value in accepted.items():
            if commons.get(key) != value:
                wrong.append(('commons', key, value, commons.get(key)))
            if reread.get(key, {}) != value or not reread.reads_as(key, value):
                wrong.append(('module', key, value, reread.get(key, {})))
        if simulated != commons:
            wrong.append(('simulator', sorted(set(simulated) ^ set(commons)),
                          [key for key in commons if simulated.get(key) != commons[key]]))
        props_oracle.count_batch(stats, values, accepted, wrong)

    check()
    props_oracle.finish('properties_backend', stats)


def test_raw_lines_read_alike(tmp_path):
    """Arbitrary file lines (not written by the module): simulator and module read what Commons reads."""
    stats = {'files': 0, 'lines': 0, 'refused_by_commons': 0, 'disagreements': 0}

    @HYPOTHESIS
    @given(st.lists(st.lists(RAW_LINE, min_size=1, max_size=12).map('\n'.join), min_size=40, max_size=40))
    def check(texts):
        paths = [write_batch(tmp_path, 'raw%d.properties' % index, text) for index, text in enumerate(texts)]
        oracle = props_oracle.read_files(paths)
        wrong = []
        for text, commons in zip(texts, oracle):
            simulated = simulator_reads(text)
            module = module_reads(text)
            if isinstance(commons, props_oracle.LoadError):
                stats['refused_by_commons'] += 1
                if not isinstance(simulated, Exception):
                    wrong.append(('simulator accepted', text))
                if not isinstance(module, Exception) and not has_include_directive(text):
                    wrong.append(('module accepted', text))
                continue
            if simulated != commons:
                wrong.append(('simulator', text, simulated, commons))
            if isinstance(module, Exception):
                wrong.append(('module refused', text, str(module)))
                continue
            for key, value in commons.items():
                if isinstance(value, str) and '$' not in value and '$' not in text and module.get(key) != value:
                    wrong.append(('module', text, key, module.get(key), value))
            if set(module) != set(commons):
                wrong.append(('module keys', text, sorted(module), sorted(commons)))
        stats['files'] += len(texts)
        stats['lines'] += sum(text.count('\n') + 1 for text in texts)
        stats['disagreements'] += len(wrong)
        assert wrong == []

    check()
    props_oracle.record('properties_raw', stats)
    assert stats['lines'] >= 2000
