# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every error the collection's module_utils raise, under one root.

A module catches ``MailError`` and fails with its message (and ``option`` when the
error names one). Nothing below the modules calls ``fail_json``. No message ever
holds a secret: errors name options, keys, files and line numbers, never values
that may be passwords.

    MailError                 message, option
      SettingsError           a bad option value ("smtp.port: ...")
      BackendError            a layer (file, portal, state file) cannot be read or written as asked
        FormatError           a file or value Liferay would not read as written
          PropertiesFileError   portal properties (Commons Configuration 1.x)
          OsgiConfigError       .config files (portal-file-install); ``reason`` and ``line``
          EnvFileError          Docker env files / LIFERAY_* variables
          ClientExtensionError  client-extension.yaml (the instanceSettings entry of the mail settings)
        PortalApiError        a failed JSON web service call; ``status``, ``retriable``
        FingerprintError      the api backend's state file
"""


class MailError(Exception):
    """The root: ``message`` is safe to show, ``option`` names the module option to fix (or None)."""

    def __init__(self, message, option=None):
        super().__init__(message)
        self.message = message
        self.option = option


class SettingsError(MailError):
    """A bad option value. ``option`` names the option, the message says how to fix it."""

    def __init__(self, option, message):
        super().__init__('%s: %s' % (option, message), option)


class BackendError(MailError):
    """A layer cannot be read or written as asked; the message names the option and the fix."""


class FormatError(BackendError):
    """A file or a value that Liferay would not read as written."""


class PropertiesFileError(FormatError):
    """A properties file or value that cannot be read or written safely.

    Messages name keys and line numbers, never values (they may be secrets).
    """


class OsgiConfigError(FormatError):
    """A malformed .config file or an invalid value; never carries a password."""

    def __init__(self, message, line=None):
        self.line = line
        self.reason = message
        if line is not None:
            message = 'line %d: %s' % (line, message)
        super().__init__(message)


class EnvFileError(FormatError):
    """A Docker env file, or a value that a LIFERAY_* variable cannot carry."""


class ClientExtensionError(FormatError):
    """A client-extension.yaml that cannot be edited safely, or a value its YAML cannot carry; never holds a value."""


class PortalApiError(BackendError):
    """A failed portal call. ``message`` is safe to show: it holds no secret."""

    def __init__(self, message, status=None, retriable=False):
        super().__init__(message)
        self.status = status
        self.retriable = retriable


class FingerprintError(BackendError):
    """The state file cannot be read or written; the message names the path and the fix."""
