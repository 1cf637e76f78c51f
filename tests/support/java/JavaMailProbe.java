import java.util.Properties;

import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;

/**
 * Answers questions about JavaMail itself that Liferay's mail code relies on
 * (docs/liferay-model.md section 4). Prints one "name=value" line per answer.
 */
public class JavaMailProbe {

	public static void main(String[] args) throws Exception {

		// MailServiceImpl (7.4) changes the infrastructure session's Properties after
		// Session.getInstance(properties): does the session see the change?

		Properties shared = new Properties();

		shared.setProperty("mail.smtp.host", "first");

		Session first = Session.getInstance(shared);

		shared.setProperty("mail.smtp.host", "second");
		shared.setProperty("mail.smtp.timeout", "5000");

		System.out.println(
			"sessionSeesLaterChanges=" +
				"second".equals(first.getProperty("mail.smtp.host")));
		System.out.println(
			"sessionPropertiesIsSameObject=" + (first.getProperties() == shared));

		// MailEngine falls back to Transport.send(message): which transport does JavaMail
		// pick for an rfc822 address when mail.transport.protocol is smtps?

		Properties smtps = new Properties();

		smtps.setProperty("mail.transport.protocol", "smtps");

		Session session = Session.getInstance(smtps);

		Transport byAddress = session.getTransport(
			new InternetAddress("joe.bloggs@example.com"));
		Transport byDefault = session.getTransport();

		System.out.println(
			"transportForRfc822=" + byAddress.getURLName().getProtocol());
		System.out.println(
			"transportForDefault=" + byDefault.getURLName().getProtocol());

		smtps.setProperty("mail.transport.protocol.rfc822", "smtps");

		System.out.println(
			"transportForRfc822WithOverride=" +
				session.getTransport(
					new InternetAddress("joe.bloggs@example.com")
				).getURLName().getProtocol());

		// JavaMail never reads mail.<protocol>.password.

		System.out.println(
			"passwordPropertyIsRead=" +
				(session.getPasswordAuthentication(byAddress.getURLName()) != null));
	}

}
