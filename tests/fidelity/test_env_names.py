"""LIFERAY_* variable names: the decoders of the module and the simulator against the real JVM (docs/liferay-model.md §2.1).

EnvPropertiesUtil.decode keeps a numeric token only when Character.isDefined(code point) is true. The
module and the simulator answer that question from Python's Unicode database; this compares them with
Java 17 over every code point.
"""

import unicodedata

import pytest

import props_oracle
from liferay_sim import envdecode

from ansible_collections.liferay_ops.mail.plugins.module_utils.formats import env_file as liferay_env


@pytest.fixture(scope='module')
def java_defined():
    props_oracle.require_java()
    defined = set()
    for first, last in props_oracle.defined_ranges():
        defined.update(range(first, last + 1))
    return defined


def test_character_isdefined_matches_the_jvm(java_defined):
    """Character.isDefined: Python agrees with Java 17 except for characters assigned after Unicode 13.0."""
    module = set(code for code in range(0x110000) if liferay_env.is_defined(code))
    simulator = set(code for code in range(0x110000) if envdecode._is_defined(code))  # pylint: disable=protected-access
    assert module == simulator
    # Nothing Java knows is unknown to Python's (newer or equal) database...
    assert java_defined - module == set()
    extra = module - java_defined
    if unicodedata.unidata_version == '13.0.0':
        assert extra == set()
    # ...and the rest are characters of later Unicode versions, never ASCII or anything a key uses.
    assert all(code > 0x500 for code in extra)
    print('Character.isDefined: %d code points agree; %d assigned after Unicode 13.0 (Python %s database)'
          % (len(java_defined), len(extra), unicodedata.unidata_version))


def test_decoder_tables_are_the_charpool_fields():
    """The module and the simulator decode exactly CharPool's char fields (EnvPropertiesUtil._getCharPoolChars)."""
    module = dict((name, liferay_env.decode_name('LIFERAY_X_%s_' % name)[1:]) for name in envdecode.CHARPOOL)
    assert module == envdecode.CHARPOOL
    assert len(envdecode.CHARPOOL_FIELDS) == 44 + 26 + 26 + 10
