"""Build mail_check arguments for the test mail stack and run the module through ansible-playbook.

Shared by the functional tests of both engines (tests/functional/test_mail_check*.py).
"""

from playbook import run_module

MODULE = 'liferay_ops.mail.mail_check'
HOST = '127.0.0.1'
USER = 'joe.bloggs'


def password(stack):
    return stack['users'][USER]


def _server(stack, protocol, port_name, security, extra):
    options = dict(host=HOST, port=stack[protocol][port_name], security=security, user=USER, password=password(stack))
    options.update(extra)
    return options


def smtp(stack, port_name, security, **extra):
    return _server(stack, 'smtp', port_name, security, extra)


def pop(stack, port_name, security, **extra):
    return _server(stack, 'pop', port_name, security, extra)


def check(tmp_path, args, **kwargs):
    run = run_module(tmp_path, MODULE, args, **kwargs)
    assert run.result is not None, run.output
    return run, run.result


def failed(result):
    # ansible-core 2.21's json callback reports the outcome as _status; older ones set failed
    return result.get('failed') is True or result.get('_status') == 'failed'


def steps(server_result):
    return dict((step['name'], step) for step in server_result['steps'])
