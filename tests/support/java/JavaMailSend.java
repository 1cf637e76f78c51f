import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.Authenticator;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.PasswordAuthentication;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * Sends one message through the real JavaMail, the way Liferay's MailServiceImpl builds the
 * session and MailEngine._send sends with it (docs/liferay-model.md section 4).
 *
 * Input on stdin, never on the command line (it holds passwords): java.util.Properties text.
 * Keys starting with "session." are the session properties (prefix removed); keys starting with
 * "send." control the run:
 *   send.from, send.to, send.subject            the message
 *   send.authenticator.user                     present when MailServiceImpl attached its
 *                                               Authenticator (smtpAuth was true when it built the
 *                                               session); the password it answers is read from
 *                                               send.authenticator.passwordKey of the properties
 *   send.trustStore, send.trustStorePassword    the JVM trust store (the portal's JavaMail trust)
 *
 * Output on stdout, one line: "sent", or "failed<TAB>exception class<TAB>text", where text is the
 * exception's toString() with its nested exceptions, on one line. No property value is printed.
 */
public class JavaMailSend {

	public static void main(String[] args) throws Exception {
		Properties input = new Properties();

		input.load(new InputStreamReader(System.in, StandardCharsets.UTF_8));

		PrintStream out = new PrintStream(System.out, true, "UTF-8");

		String trustStore = input.getProperty("send.trustStore");

		if ((trustStore != null) && !trustStore.isEmpty()) {
			System.setProperty("javax.net.ssl.trustStore", trustStore);
			System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
			System.setProperty(
				"javax.net.ssl.trustStorePassword",
				input.getProperty("send.trustStorePassword", ""));
		}

		Properties properties = new Properties();

		for (String name : input.stringPropertyNames()) {
			if (name.startsWith("session.")) {
				properties.setProperty(
					name.substring("session.".length()), input.getProperty(name));
			}
		}

		String authenticatorUser = input.getProperty("send.authenticator.user");
		String passwordKey = input.getProperty(
			"send.authenticator.passwordKey", "mail.smtp.password");

		Session session;

		if (authenticatorUser != null) {

			// MailServiceImpl.getSession(long): the Authenticator answers smtpUser and the
			// password property of the (shared) Properties at the time it is asked.

			session = Session.getInstance(
				properties,
				new Authenticator() {

					@Override
					protected PasswordAuthentication getPasswordAuthentication() {
						return new PasswordAuthentication(
							authenticatorUser, properties.getProperty(passwordKey));
					}

				});
		}
		else {
			session = Session.getInstance(properties);
		}

		try {
			MimeMessage message = new MimeMessage(session);

			message.setFrom(new InternetAddress(input.getProperty("send.from")));
			message.setRecipients(
				Message.RecipientType.TO,
				InternetAddress.parse(input.getProperty("send.to")));
			message.setSubject(input.getProperty("send.subject", ""), "UTF-8");
			message.setText(
				"Test message sent by the Liferay simulator through JavaMail.\n",
				"UTF-8");
			message.setSentDate(new Date());

			_send(session, message);

			out.println("sent");
		}
		catch (MessagingException messagingException) {
			out.println(
				"failed\t" + messagingException.getClass().getName() + "\t" +
					_oneLine(messagingException));
		}
		catch (RuntimeException runtimeException) {
			out.println(
				"failed\t" + runtimeException.getClass().getName() + "\t" +
					_oneLine(runtimeException));
		}
	}

	/**
	 * MailEngine._send: connect explicitly with host, port, user and password only when
	 * mail.<protocol>.auth is true and user and password are not null (Validator.isNotNull);
	 * otherwise Transport.send(message).
	 */
	private static void _send(Session session, Message message)
		throws MessagingException {

		boolean smtpAuth = _getBoolean(_getSMTPProperty(session, "auth"));
		String smtpHost = _getSMTPProperty(session, "host");
		int smtpPort = _getInteger(_getSMTPProperty(session, "port"), 25);
		String user = _getSMTPProperty(session, "user");
		String password = _getSMTPProperty(session, "password");

		if (smtpAuth && !_isNull(user) && !_isNull(password)) {
			String protocol = session.getProperty("mail.transport.protocol");

			if (protocol == null) {
				protocol = "smtp";
			}
			else {
				protocol = protocol.trim();
			}

			Transport transport = session.getTransport(protocol);

			transport.connect(smtpHost, smtpPort, user, password);

			try {
				Address[] addresses = message.getAllRecipients();

				transport.sendMessage(message, addresses);
			}
			finally {
				transport.close();
			}
		}
		else {
			Transport.send(message);
		}
	}

	private static boolean _getBoolean(String value) {
		if (value == null) {
			return false;
		}

		value = value.trim().toLowerCase();

		return value.equals("true") || value.equals("t") || value.equals("y") ||
			value.equals("on") || value.equals("1");
	}

	private static int _getInteger(String value, int defaultValue) {
		if (value == null) {
			return defaultValue;
		}

		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException numberFormatException) {
			return defaultValue;
		}
	}

	private static String _getSMTPProperty(Session session, String suffix) {
		String protocol = session.getProperty("mail.transport.protocol");

		if ((protocol != null) && protocol.trim().equals("smtps")) {
			return session.getProperty("mail.smtps." + suffix);
		}

		return session.getProperty("mail.smtp." + suffix);
	}

	/**
	 * Validator.isNull(String): null, only spaces (U+0020), or the word "null" with spaces
	 * anywhere around or inside it.
	 */
	private static boolean _isNull(String s) {
		if (s == null) {
			return true;
		}

		int counter = 0;

		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);

			if (c == ' ') {
				continue;
			}
			else if (counter > 3) {
				return false;
			}

			if ((counter == 0) && (c != 'n')) {
				return false;
			}
			else if ((counter == 1) && (c != 'u')) {
				return false;
			}
			else if (((counter == 2) || (counter == 3)) && (c != 'l')) {
				return false;
			}

			counter++;
		}

		return (counter == 0) || (counter == 4);
	}

	private static String _oneLine(Throwable throwable) {
		return throwable.toString().replaceAll("\\s+", " ").trim();
	}

}
