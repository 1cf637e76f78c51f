"""Test TLS material: one CA, a server certificate for localhost/127.0.0.1/::1, and a certificate
for a name the tests never connect to (to provoke a host name mismatch)."""

import os

import trustme

SERVER_NAMES = ('localhost', '127.0.0.1', '::1')
OTHER_NAME = 'mail.other-name.test'


def write_tls_material(directory):
    """Write ca.pem, server.{crt,key} and other.{crt,key}; returns their paths."""
    os.makedirs(directory, exist_ok=True)
    ca = trustme.CA(organization_name='liferay_ops.mail test CA')
    paths = {'ca': os.path.join(directory, 'ca.pem')}
    ca.cert_pem.write_to_path(paths['ca'])
    for label, names in (('server', SERVER_NAMES), ('other', (OTHER_NAME,))):
        leaf = ca.issue_cert(*names)
        paths[label + '_cert'] = os.path.join(directory, label + '.crt')
        paths[label + '_key'] = os.path.join(directory, label + '.key')
        leaf.cert_chain_pems[0].write_to_path(paths[label + '_cert'])
        leaf.private_key_pem.write_to_path(paths[label + '_key'])
        os.chmod(paths[label + '_key'], 0o600)
    return paths
