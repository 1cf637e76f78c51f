"""A small Liferay portal simulator for the tests of liferay_ops.mail.

It re-implements, from Liferay's source as described in docs/liferay-model.md, how Liferay reads its mail
settings (portal properties, environment variables, stored preferences, OSGi
configuration), the JSON web services the api backend talks to, and how the
portal builds and caches its JavaMail session.  It never imports the collection.
"""
