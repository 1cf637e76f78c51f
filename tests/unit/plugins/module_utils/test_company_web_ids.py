# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""company_web_id as one web id, a list or all (portal/options.py), and the fingerprint scope of each instance."""

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.errors import SettingsError
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.fingerprint import api_scope
from ansible_collections.liferay_ops.mail.plugins.module_utils.portal.options import ALL_INSTANCES, company_web_ids

URL = 'https://portal.example.com'


@pytest.mark.parametrize('value, expected', [
    (None, None),
    ('liferay.com', None),
    ('all', ALL_INSTANCES),
    (['a.example.com', 'b.example.com'], ['a.example.com', 'b.example.com']),
    ([' a.example.com '], ['a.example.com']),
])
def test_accepted(value, expected):
    assert company_web_ids(dict(backend='api', company_web_id=value)) == expected


def test_a_number_is_one_web_id():
    params = dict(backend='osgi_config', company_web_id=1234)
    assert company_web_ids(params) is None
    assert params['company_web_id'] == '1234'


@pytest.mark.parametrize('value, reason', [
    ([], 'is an empty list'),
    (['a.example.com', 'a.example.com'], 'twice'),
    (['all', 'a.example.com'], 'all stands alone'),
    ([None], 'is not one'),
    ([True], 'is not one'),
    ({'a': 1}, 'must be a web id'),
    (True, 'must be a web id'),
])
def test_refused(value, reason):
    with pytest.raises(SettingsError) as error:
        company_web_ids(dict(backend='api', company_web_id=value))
    assert error.value.option == 'company_web_id' and reason in str(error.value)


@pytest.mark.parametrize('backend', ['properties', 'env_file', 'osgi_config'])
@pytest.mark.parametrize('value', ['all', ['a.example.com']])
def test_several_instances_for_api_only(backend, value):
    with pytest.raises(SettingsError) as error:
        company_web_ids(dict(backend=backend, company_web_id=value))
    assert str(error.value).startswith('company_web_id: a list of instances or all is for backend api only')


def test_each_instance_has_the_record_of_a_single_run():
    # The api backend builds each instance's scope from the web id alone (its company id, known from the
    # instance list of all, is not part of it), so a single-instance run finds the record the list wrote.
    single = api_scope(dict(portal_url=URL + '/', company_web_id='a.example.com'))
    assert single == api_scope(dict(portal_url=URL, company_web_id='a.example.com', company_id=None))
    assert single != api_scope(dict(portal_url=URL, company_web_id='b.example.com'))
