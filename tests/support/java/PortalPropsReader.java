import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;

import org.apache.commons.configuration.CompositeConfiguration;
import org.apache.commons.configuration.Configuration;
import org.apache.commons.configuration.PropertiesConfiguration;

/**
 * Reads portal properties with the real Apache Commons Configuration 1.x, the way Liferay does.
 *
 * Test oracle of the liferay_ops.mail collection (never shipped). Modes:
 *
 *   files PATH...   load each file as ClassLoaderAggregateProperties._addURLProperties does
 *                   (a PropertiesConfiguration built from the file's URL whose getEncoding()
 *                   returns UTF-8, inside a CompositeConfiguration) and print every key;
 *   env             stdin: lines "base64(key) TAB base64(raw value)"; each value is applied
 *                   with setProperty on a fresh CompositeConfiguration, as Liferay applies a
 *                   LIFERAY_* variable (EnvPropertiesUtil.loadEnvOverrides), and read back;
 *   company         stdin: lines "base64(properties text)"; the text is loaded with
 *                   java.util.Properties and every key applied with setProperty, as for
 *                   LIFERAY_PROPS_BY_COMPANY_<id>;
 *   defined         print the ranges of code points for which Character.isDefined is true.
 *
 * Values are read back as ClassLoaderAggregateProperties.getString does: a List is joined with
 * "," (StringUtil.merge) without interpolation; anything else goes through Commons' interpolating
 * getString. Output is one JSON object per line; every non-ASCII or control character is written
 * as a \\uXXXX escape (astral characters as two escapes), so nothing is lost on the way.
 */
public class PortalPropsReader {

	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, false, "UTF-8");

		if (args.length == 0) {
			throw new IllegalArgumentException("mode expected: files, env, company or defined");
		}

		if (args[0].equals("files")) {
			for (int i = 1; i < args.length; i++) {
				out.println(_readFile(args[i]));
			}
		}
		else if (args[0].equals("env") || args[0].equals("company")) {
			BufferedReader reader = new BufferedReader(
				new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;

			while ((line = reader.readLine()) != null) {
				if (line.isEmpty()) {
					continue;
				}

				if (args[0].equals("env")) {
					String[] parts = line.split("\t", -1);
					out.println(_applyEnv(_decode(parts[0]), _decode(parts[1])));
				}
				else {
					out.println(_applyCompany(_decode(line)));
				}
			}
		}
		else if (args[0].equals("defined")) {
			int start = -1;

			for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT + 1; codePoint++) {
				boolean defined = (codePoint <= Character.MAX_CODE_POINT) && Character.isDefined(codePoint);

				if (defined && (start < 0)) {
					start = codePoint;
				}
				else if (!defined && (start >= 0)) {
					out.println(start + " " + (codePoint - 1));
					start = -1;
				}
			}
		}
		else {
			throw new IllegalArgumentException("unknown mode " + args[0]);
		}

		out.flush();
	}

	private static String _applyCompany(String text) {
		StringBuilder sb = new StringBuilder("{\"props\":[");

		try {
			Properties properties = new Properties();

			properties.load(new StringReader(text));

			CompositeConfiguration configuration = new CompositeConfiguration();

			for (String name : properties.stringPropertyNames()) {
				configuration.setProperty(name, properties.getProperty(name));
			}

			_appendKeys(sb, configuration);
			sb.append("]}");
		}
		catch (Exception exception) {
			return _error(exception);
		}

		return sb.toString();
	}

	private static String _applyEnv(String key, String value) {
		try {
			CompositeConfiguration configuration = new CompositeConfiguration();

			configuration.setProperty(key, value);

			StringBuilder sb = new StringBuilder("{\"props\":[");

			_appendKeys(sb, configuration);

			return sb.append("]}").toString();
		}
		catch (Exception exception) {
			return _error(exception);
		}
	}

	private static void _appendKeys(StringBuilder sb, Configuration configuration) {
		Iterator<String> iterator = configuration.getKeys();
		boolean first = true;

		while (iterator.hasNext()) {
			String key = iterator.next();

			if (!first) {
				sb.append(',');
			}

			first = false;

			Object value = configuration.getProperty(key);

			sb.append("{\"key\":");
			sb.append(_quote(key));

			if (value instanceof List) {
				List<?> list = (List<?>)value;
				List<String> items = new ArrayList<>();

				for (Object item : list) {
					items.add(String.valueOf(item));
				}

				sb.append(",\"list\":true,\"value\":");
				sb.append(_quote(String.join(",", items)));
				sb.append(",\"items\":[");

				for (int i = 0; i < items.size(); i++) {
					if (i > 0) {
						sb.append(',');
					}

					sb.append(_quote(items.get(i)));
				}

				sb.append(']');
			}
			else {
				sb.append(",\"list\":false,\"value\":");

				try {
					sb.append(_quote(configuration.getString(key)));
				}
				catch (RuntimeException runtimeException) {
					sb.append("null,\"error\":");
					sb.append(_quote(runtimeException.toString()));
				}
			}

			sb.append('}');
		}
	}

	private static String _decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

	private static String _error(Exception exception) {
		Throwable cause = exception;

		while (cause.getCause() != null) {
			cause = cause.getCause();
		}

		return "{\"error\":" + _quote(exception.toString()) + ",\"cause\":" + _quote(cause.toString()) + "}";
	}

	private static String _quote(String text) {
		StringBuilder sb = new StringBuilder("\"");

		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);

			if (c == '"' || c == '\\') {
				sb.append('\\').append(c);
			}
			else if (c < 0x20 || c > 0x7e) {
				sb.append(String.format("\\u%04x", (int)c));
			}
			else {
				sb.append(c);
			}
		}

		return sb.append('"').toString();
	}

	private static String _readFile(String path) {
		try {
			PropertiesConfiguration propertiesConfiguration = new PropertiesConfiguration(
				new File(path).toURI().toURL()) {

				@Override
				public String getEncoding() {
					return "UTF-8";
				}

			};

			CompositeConfiguration configuration = new CompositeConfiguration();

			configuration.addConfiguration(propertiesConfiguration);

			StringBuilder sb = new StringBuilder("{\"file\":");

			sb.append(_quote(path));
			sb.append(",\"props\":[");
			_appendKeys(sb, configuration);

			return sb.append("]}").toString();
		}
		catch (Exception exception) {
			return "{\"file\":" + _quote(path) + "," + _error(exception).substring(1);
		}
	}

}
