"""Real mail servers on 127.0.0.1 for tests: Dovecot (POP3 + STLS, POP3S) and aiosmtpd (SMTP)."""
