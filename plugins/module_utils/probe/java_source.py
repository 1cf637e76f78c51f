# -*- coding: utf-8 -*-
# Copyright: Contributors to the liferay_ops.mail project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Java side of mail_check's java engine, shipped as text.

java.py writes it into a private temporary directory, with ``__MAIL__``
replaced by the package the portal's mail jar holds (``javax.mail`` or
``jakarta.mail``), and runs it with the portal's JVM: as a single source file on
Java 11+, compiled with javac first on Java 8.

Input (stdin, java.util.Properties text, never the command line: it holds passwords):
  system.<name>          a JVM system property, set before anything else (trust store, jdk.tls.*)
  session.<key>          the JavaMail session properties, exactly as the portal builds them
  probe.timeout          step time limit in milliseconds
  probe.servers          smtp,pop (either or both)
  <kind>.host|port|security|user|password|last   one server's ladder (last: tcp, tls or login)
  smtp.rcpt.from|to, smtp.message.from|to|subject  the optional message steps
Output (stdout): one JSON object; every exception as its class and message chain, no property value.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

CLASS_NAME = 'LiferayOpsMailProbe'

JAVA_SOURCE = r'''
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

import __MAIL__.Authenticator;
import __MAIL__.Folder;
import __MAIL__.MessagingException;
import __MAIL__.PasswordAuthentication;
import __MAIL__.Session;
import __MAIL__.Store;
import __MAIL__.Transport;
import __MAIL__.Message;
import __MAIL__.internet.InternetAddress;
import __MAIL__.internet.MimeMessage;

public class LiferayOpsMailProbe {

    static final String[] FETCHERS = {
        "com.sun.mail.util.SocketFetcher", "org.eclipse.angus.mail.util.SocketFetcher"
    };

    static long timeoutMs;
    static Properties sessionProperties = new Properties();

    public static void main(String[] args) throws Exception {
        Properties in = new Properties();

        in.load(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");

        for (String name : in.stringPropertyNames()) {
            if (name.startsWith("system.")) {
                System.setProperty(name.substring(7), in.getProperty(name));
            }
        }

        for (String name : in.stringPropertyNames()) {
            if (name.startsWith("session.")) {
                sessionProperties.setProperty(name.substring(8), in.getProperty(name));
            }
        }

        timeoutMs = Long.parseLong(in.getProperty("probe.timeout", "10000"));

        List<Ladder> ladders = new ArrayList<Ladder>();

        for (String kind : in.getProperty("probe.servers", "").split(",")) {
            if (!kind.isEmpty()) {
                ladders.add(new Ladder(kind, in));
            }
        }

        for (Ladder ladder : ladders) {
            ladder.setDaemon(true);
            ladder.start();
        }

        // The watchdog: a step that outlives the time limit is reported as such, whatever JavaMail
        // does with its own timeouts.

        while (true) {
            boolean running = false;

            for (Ladder ladder : ladders) {
                synchronized (ladder) {
                    if (ladder.done) {
                        continue;
                    }

                    if ((ladder.current != null) &&
                        (System.currentTimeMillis() - ladder.stepStarted > timeoutMs + 250)) {

                        Map<String, Object> step = ladder.record(ladder.current, false);
                        Map<String, Object> error = new LinkedHashMap<String, Object>();

                        error.put("class", "watchdog");
                        error.put("message", "no answer within the time limit");
                        step.put("error", error);
                        ladder.done = true;
                        continue;
                    }
                }

                running = true;
            }

            if (!running) {
                break;
            }

            Thread.sleep(20);
        }

        Map<String, Object> result = new LinkedHashMap<String, Object>();

        result.put("java", javaFacts());

        Map<String, Object> servers = new LinkedHashMap<String, Object>();

        for (Ladder ladder : ladders) {
            synchronized (ladder) {
                servers.put(ladder.kind, ladder.steps);
            }
        }

        result.put("servers", servers);

        out.println(Json.write(result));
        out.flush();

        // Threads stuck in a read must not keep the JVM alive.

        Runtime.getRuntime().halt(0);
    }

    static Map<String, Object> javaFacts() {
        Map<String, Object> facts = new LinkedHashMap<String, Object>();

        facts.put("version", System.getProperty("java.version"));
        facts.put("vendor", System.getProperty("java.vendor"));
        facts.put("java_home", System.getProperty("java.home"));
        facts.put("mail_api", "__MAIL__");

        Package mailPackage = Session.class.getPackage();

        facts.put("mail_version", (mailPackage == null) ? null : mailPackage.getImplementationVersion());

        try {
            facts.put("mail_jar", Session.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        }
        catch (Exception e) {
            facts.put("mail_jar", null);
        }

        facts.put("socket_fetcher", fetcher() != null);

        String trustStore = System.getProperty("javax.net.ssl.trustStore");

        if ((trustStore == null) || trustStore.isEmpty()) {
            String securityDir = System.getProperty("java.home") + File.separator + "lib" + File.separator + "security";
            File jsse = new File(securityDir, "jssecacerts");

            trustStore = jsse.exists() ? jsse.getPath() : new File(securityDir, "cacerts").getPath();
            facts.put("trust_store_source", "jvm");
        }
        else {
            facts.put("trust_store_source", "javax.net.ssl.trustStore");
        }

        facts.put("trust_store", trustStore);
        facts.put("trust_store_type", System.getProperty("javax.net.ssl.trustStoreType", KeyStore.getDefaultType()));

        return facts;
    }

    static Class<?> fetcher() {
        for (String name : FETCHERS) {
            try {
                return Class.forName(name);
            }
            catch (Throwable t) {
            }
        }

        return null;
    }

    static class Ladder extends Thread {

        Ladder(String kind, Properties in) {
            this.kind = kind;
            host = in.getProperty(kind + ".host");
            port = Integer.parseInt(in.getProperty(kind + ".port"));
            security = in.getProperty(kind + ".security", "none");
            user = in.getProperty(kind + ".user", "");
            password = in.getProperty(kind + ".password", "");
            last = in.getProperty(kind + ".last", "login");
            rcptFrom = in.getProperty(kind + ".rcpt.from");
            rcptTo = in.getProperty(kind + ".rcpt.to");
            messageFrom = in.getProperty(kind + ".message.from");
            messageTo = in.getProperty(kind + ".message.to");
            messageSubject = in.getProperty(kind + ".message.subject", "liferay_ops.mail test message");
        }

        @Override
        public void run() {
            try {
                if (!step("tcp")) {
                    return;
                }

                if (last.equals("tcp") || !step("tls")) {
                    return;
                }

                if (last.equals("tls") || !step("login")) {
                    return;
                }

                if (kind.equals("smtp") && (messageTo != null)) {
                    step("message");
                }
                else if (kind.equals("smtp") && (rcptTo != null)) {
                    step("rcpt");
                }
            }
            finally {
                closeQuietly();

                synchronized (this) {
                    done = true;
                }
            }
        }

        boolean step(String name) {
            synchronized (this) {
                if (done) {
                    return false;
                }

                current = name;
                stepStarted = System.currentTimeMillis();
            }

            Map<String, Object> facts = new LinkedHashMap<String, Object>();
            Throwable failure = null;

            try {
                if (name.equals("tcp")) {
                    tcp(facts);
                }
                else if (name.equals("tls")) {
                    tls(facts);
                }
                else if (name.equals("login")) {
                    login(facts);
                }
                else if (name.equals("rcpt")) {
                    rcpt(facts);
                }
                else {
                    message(facts);
                }
            }
            catch (Throwable t) {
                failure = t;
            }

            synchronized (this) {
                if (done) {
                    return false;
                }

                Map<String, Object> step = record(name, failure == null);

                step.putAll(facts);

                if (failure != null) {
                    step.put("error", describe(failure));

                    if (isPkix(failure)) {
                        step.put("untrusted_chain", untrustedChain());
                    }
                }

                current = null;

                return failure == null;
            }
        }

        Map<String, Object> record(String name, boolean ok) {
            Map<String, Object> step = new LinkedHashMap<String, Object>();

            step.put("name", name);
            step.put("ok", ok);
            step.put("ms", System.currentTimeMillis() - stepStarted);
            steps.add(step);

            return step;
        }

        String protocol() {
            if (kind.equals("smtp")) {
                return security.equals("ssl") ? "smtps" : "smtp";
            }

            return security.equals("ssl") ? "pop3s" : "pop3";
        }

        int connectTimeout() {
            String value = sessionProperties.getProperty("mail." + protocol() + ".connectiontimeout");

            try {
                int parsed = Integer.parseInt(value.trim());

                if (parsed > 0) {
                    return parsed;
                }
            }
            catch (Exception e) {
            }

            return (int)timeoutMs;
        }

        void tcp(Map<String, Object> facts) throws Exception {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            List<String> shown = new ArrayList<String>();

            for (InetAddress address : addresses) {
                shown.add(address.getHostAddress());
            }

            facts.put("addresses", shown);

            Exception lastFailure = null;

            for (InetAddress address : addresses) {
                Socket socket = new Socket();

                try {
                    socket.connect(new InetSocketAddress(address, port), connectTimeout());
                    facts.put("address", address.getHostAddress());

                    return;
                }
                catch (Exception e) {
                    lastFailure = e;
                }
                finally {
                    socket.close();
                }
            }

            throw lastFailure;
        }

        Socket fetch(boolean useSSL) throws Exception {
            Class<?> fetcherClass = fetcher();

            if (fetcherClass == null) {
                Socket socket;

                if (useSSL) {
                    socket = SSLSocketFactory.getDefault().createSocket();
                }
                else {
                    socket = new Socket();
                }

                socket.connect(new InetSocketAddress(host, port), connectTimeout());
                socket.setSoTimeout((int)timeoutMs);

                if (useSSL) {
                    ((SSLSocket)socket).startHandshake();
                }

                return socket;
            }

            Method getSocket = fetcherClass.getMethod(
                "getSocket", String.class, int.class, Properties.class, String.class, boolean.class);

            try {
                return (Socket)getSocket.invoke(null, host, port, sessionProperties, "mail." + protocol(), useSSL);
            }
            catch (InvocationTargetException e) {
                throw unwrap(e);
            }
        }

        void tls(Map<String, Object> facts) throws Exception {
            if (security.equals("none")) {
                facts.put("skipped", true);

                return;
            }

            if (security.equals("ssl")) {
                socket = fetch(true);
            }
            else {
                socket = fetch(false);
                socket.setSoTimeout((int)timeoutMs);

                BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream output = socket.getOutputStream();

                List<String> greeting = reply(reader);

                facts.put("banner", greeting.get(greeting.size() - 1));

                if (!greeting.get(0).startsWith("220")) {
                    throw new ProbeException("greeting", joinLines(greeting));
                }

                String localhost = sessionProperties.getProperty("mail.smtp.localhost");

                if ((localhost == null) || localhost.isEmpty()) {
                    localhost = "localhost";
                }

                output.write(("EHLO " + localhost + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                output.flush();

                List<String> ehlo = reply(reader);
                List<String> extensions = new ArrayList<String>();

                for (int i = 1; i < ehlo.size(); i++) {
                    extensions.add(ehlo.get(i).substring(4).trim().split(" ")[0].toUpperCase());
                }

                facts.put("ehlo_before_tls", extensions);

                if (!extensions.contains("STARTTLS")) {
                    throw new ProbeException("starttls_not_offered", joinLines(extensions));
                }

                output.write("STARTTLS\r\n".getBytes(StandardCharsets.ISO_8859_1));
                output.flush();

                List<String> ready = reply(reader);

                if (!ready.get(0).startsWith("220")) {
                    throw new ProbeException("starttls_refused", joinLines(ready));
                }

                Class<?> fetcherClass = fetcher();

                if (fetcherClass != null) {
                    Method startTLS = fetcherClass.getMethod(
                        "startTLS", Socket.class, String.class, Properties.class, String.class);

                    try {
                        socket = (Socket)startTLS.invoke(null, socket, host, sessionProperties, "mail.smtp");
                    }
                    catch (InvocationTargetException e) {
                        throw unwrap(e);
                    }
                }
                else {
                    SSLSocket sslSocket = (SSLSocket)((SSLSocketFactory)SSLSocketFactory.getDefault()).createSocket(
                        socket, host, port, true);

                    sslSocket.startHandshake();
                    socket = sslSocket;
                }
            }

            if (!(socket instanceof SSLSocket)) {
                throw new ProbeException("no_tls", "JavaMail returned a plain socket");
            }

            SSLSession session = ((SSLSocket)socket).getSession();

            facts.put("tls", tlsFacts(session));
        }

        List<String> reply(BufferedReader reader) throws Exception {
            List<String> lines = new ArrayList<String>();

            while (true) {
                String line = reader.readLine();

                if (line == null) {
                    throw new ProbeException("closed", "the server closed the connection");
                }

                lines.add(line);

                if ((line.length() < 4) || (line.charAt(3) != '-')) {
                    return lines;
                }
            }
        }

        void login(Map<String, Object> facts) throws Exception {
            closeQuietly();

            final String authUser = user;
            final String authPassword = password;
            boolean auth = "true".equals(sessionProperties.getProperty("mail." + protocol() + ".auth"));

            // MailServiceImpl attaches an Authenticator when SMTP auth is on.

            if (kind.equals("smtp") && auth) {
                mailSession = Session.getInstance(
                    sessionProperties,
                    new Authenticator() {

                        @Override
                        protected PasswordAuthentication getPasswordAuthentication() {
                            return new PasswordAuthentication(authUser, authPassword);
                        }

                    });
            }
            else {
                mailSession = Session.getInstance(sessionProperties);
            }

            if (kind.equals("smtp")) {
                transport = mailSession.getTransport(protocol());

                // MailEngine: connect(host, port, user, password) with auth, else connect().

                if (auth && !user.isEmpty() && !password.isEmpty()) {
                    transport.connect(host, port, user, password);
                    facts.put("user", user);
                }
                else {
                    transport.connect();
                    facts.put("authenticated", false);
                }

                Object mechanisms = call(transport, "getExtensionParameter", "AUTH");

                if (mechanisms != null) {
                    facts.put("auth_mechanisms", mechanisms.toString().trim().toUpperCase().split("\\s+"));
                }

                Object response = call(transport, "getLastServerResponse");

                if (response != null) {
                    facts.put("last_reply", response.toString().trim());
                }

                return;
            }

            if (user.isEmpty()) {
                facts.put("skipped", true);

                return;
            }

            store = mailSession.getStore(protocol());
            store.connect(host, port, user, password);
            facts.put("user", user);

            Folder inbox = store.getFolder("INBOX");

            inbox.open(Folder.READ_ONLY);
            facts.put("messages", inbox.getMessageCount());
            inbox.close(false);
        }

        void rcpt(Map<String, Object> facts) throws Exception {
            command("MAIL FROM:<" + rcptFrom + ">", 250, "mail_from");
            command("RCPT TO:<" + rcptTo + ">", 250, "rcpt_to");
            call(transport, "simpleCommand", "RSET");
            facts.put("sender", rcptFrom);
            facts.put("recipient", rcptTo);
        }

        void command(String line, int expected, String what) throws Exception {
            Object code = call(transport, "simpleCommand", line);

            if ((code == null) || (((Integer)code).intValue() != expected && ((Integer)code).intValue() != 251)) {
                Object response = call(transport, "getLastServerResponse");

                throw new ProbeException(what, (response == null) ? String.valueOf(code) : response.toString().trim());
            }
        }

        void message(Map<String, Object> facts) throws Exception {
            MimeMessage message = new MimeMessage(mailSession);

            message.setFrom(new InternetAddress(messageFrom));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(messageTo));
            message.setSubject(messageSubject, "UTF-8");
            message.setSentDate(new Date());
            message.setText("Test message from liferay_ops.mail.mail_check through the portal's JavaMail.\n", "UTF-8");
            message.saveChanges();
            transport.sendMessage(message, message.getAllRecipients());
            facts.put("message_id", message.getMessageID());
            facts.put("recipient", messageTo);

            Object response = call(transport, "getLastServerResponse");

            if (response != null) {
                facts.put("last_reply", response.toString().trim());
            }
        }

        List<Map<String, Object>> untrustedChain() {
            // Diagnostic handshake that trusts anything, only to name the issuer the JVM refused.

            List<Map<String, Object>> chain = new ArrayList<Map<String, Object>>();
            Socket raw = null;

            try {
                SSLContext context = SSLContext.getInstance("TLS");

                context.init(null, new TrustManager[] {new TrustAll()}, null);

                raw = new Socket();
                raw.connect(new InetSocketAddress(host, port), connectTimeout());
                raw.setSoTimeout((int)Math.min(timeoutMs, 3000));

                if (security.equals("starttls")) {
                    BufferedReader reader = new BufferedReader(
                        new InputStreamReader(raw.getInputStream(), StandardCharsets.ISO_8859_1));

                    reply(reader);
                    raw.getOutputStream().write("EHLO localhost\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    reply(reader);
                    raw.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    reply(reader);
                }

                SSLSocket sslSocket = (SSLSocket)context.getSocketFactory().createSocket(raw, host, port, true);

                sslSocket.startHandshake();

                for (Certificate certificate : sslSocket.getSession().getPeerCertificates()) {
                    if (certificate instanceof X509Certificate) {
                        chain.add(certificateFacts((X509Certificate)certificate));
                    }
                }

                sslSocket.close();
            }
            catch (Throwable t) {
            }
            finally {
                try {
                    if (raw != null) {
                        raw.close();
                    }
                }
                catch (Exception e) {
                }
            }

            return chain;
        }

        void closeQuietly() {
            try {
                if (socket != null) {
                    if (!(socket instanceof SSLSocket) || !socket.isClosed()) {
                        try {
                            socket.setSoTimeout(1000);
                            socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        }
                        catch (Exception e) {
                        }
                    }

                    socket.close();
                }
            }
            catch (Exception e) {
            }

            socket = null;

            try {
                if (transport != null) {
                    transport.close();
                }
            }
            catch (Exception e) {
            }

            try {
                if (store != null) {
                    store.close();
                }
            }
            catch (Exception e) {
            }

            store = null;
        }

        final String kind;
        final String host;
        final int port;
        final String security;
        final String user;
        final String password;
        final String last;
        final String rcptFrom;
        final String rcptTo;
        final String messageFrom;
        final String messageTo;
        final String messageSubject;
        final List<Map<String, Object>> steps = new ArrayList<Map<String, Object>>();
        String current;
        long stepStarted;
        boolean done;
        Socket socket;
        Session mailSession;
        Transport transport;
        Store store;

    }

    static Object call(Object target, String name, Object... args) {
        if (target == null) {
            return null;
        }

        for (Method method : target.getClass().getMethods()) {
            if (method.getName().equals(name) && (method.getParameterTypes().length == args.length)) {
                try {
                    return method.invoke(target, args);
                }
                catch (InvocationTargetException e) {
                    Exception cause = unwrap(e);

                    throw (cause instanceof RuntimeException) ? (RuntimeException)cause : new RuntimeException(cause);
                }
                catch (Exception e) {
                    return null;
                }
            }
        }

        return null;
    }

    static Exception unwrap(InvocationTargetException e) {
        Throwable cause = e.getCause();

        if (cause instanceof Exception) {
            return (Exception)cause;
        }

        return new RuntimeException(cause);
    }

    static boolean isPkix(Throwable t) {
        for (Throwable cause = t; cause != null; cause = next(cause)) {
            String name = cause.getClass().getName();
            String message = String.valueOf(cause.getMessage());

            if (name.endsWith("CertPathBuilderException") || name.endsWith("ValidatorException") ||
                message.contains("PKIX path")) {

                return true;
            }
        }

        return false;
    }

    static Throwable next(Throwable t) {
        if (t instanceof MessagingException) {
            Exception nextException = ((MessagingException)t).getNextException();

            if ((nextException != null) && (nextException != t)) {
                return nextException;
            }
        }

        Throwable cause = t.getCause();

        return (cause == t) ? null : cause;
    }

    static Map<String, Object> describe(Throwable t) {
        Map<String, Object> error = new LinkedHashMap<String, Object>();
        List<Map<String, Object>> chain = new ArrayList<Map<String, Object>>();
        int depth = 0;

        for (Throwable cause = t; (cause != null) && (depth < 8); cause = next(cause), depth++) {
            Map<String, Object> link = new LinkedHashMap<String, Object>();

            link.put("class", (cause instanceof ProbeException) ? "probe" : cause.getClass().getName());
            link.put("message", cause.getMessage());

            if (cause instanceof ProbeException) {
                link.put("code", ((ProbeException)cause).code);
            }

            Object returnCode = call(cause, "getReturnCode");

            if (returnCode != null) {
                link.put("return_code", returnCode);
            }

            chain.add(link);
        }

        error.put("class", chain.get(0).get("class"));
        error.put("message", chain.get(0).get("message"));
        error.put("chain", chain);

        return error;
    }

    static Map<String, Object> tlsFacts(SSLSession session) throws Exception {
        Map<String, Object> facts = new LinkedHashMap<String, Object>();

        facts.put("version", session.getProtocol());
        facts.put("cipher", session.getCipherSuite());
        facts.put("verified", true);

        List<Map<String, Object>> chain = new ArrayList<Map<String, Object>>();

        for (Certificate certificate : session.getPeerCertificates()) {
            if (certificate instanceof X509Certificate) {
                chain.add(certificateFacts((X509Certificate)certificate));
            }
        }

        facts.put("chain", chain);

        if (!chain.isEmpty()) {
            Map<String, Object> leaf = chain.get(0);

            facts.put("subject", leaf.get("subject"));
            facts.put("issuer", leaf.get("issuer"));
            facts.put("san", leaf.get("san"));
            facts.put("not_after", leaf.get("not_after"));
            facts.put("days_left", leaf.get("days_left"));
        }

        return facts;
    }

    static Map<String, Object> certificateFacts(X509Certificate certificate) {
        Map<String, Object> facts = new LinkedHashMap<String, Object>();
        SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");

        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        facts.put("subject", certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
        facts.put("issuer", certificate.getIssuerX500Principal().getName(X500Principal.RFC2253));
        facts.put("not_after", format.format(certificate.getNotAfter()));
        facts.put(
            "days_left", (certificate.getNotAfter().getTime() - System.currentTimeMillis()) / 86400000L);

        List<String> san = new ArrayList<String>();

        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();

            if (names != null) {
                for (List<?> name : names) {
                    Object type = name.get(0);

                    san.add(((Integer.valueOf(2).equals(type)) ? "DNS:" : (Integer.valueOf(7).equals(type)) ? "IP Address:" : "") + name.get(1));
                }
            }
        }
        catch (Exception e) {
        }

        facts.put("san", san);

        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            StringBuilder hex = new StringBuilder();

            for (byte b : digest.digest(certificate.getEncoded())) {
                hex.append(String.format("%02X", b));
            }

            facts.put("sha256", hex.toString());
        }
        catch (Exception e) {
        }

        return facts;
    }

    static String joinLines(List<String> lines) {
        StringBuilder builder = new StringBuilder();

        for (String line : lines) {
            if (builder.length() > 0) {
                builder.append(' ');
            }

            builder.append(line);
        }

        return builder.toString();
    }

    static class ProbeException extends Exception {

        ProbeException(String code, String message) {
            super(message);
            this.code = code;
        }

        final String code;

    }

    static class TrustAll implements X509TrustManager {

        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

    }

    static class Json {

        static String write(Object value) {
            StringBuilder builder = new StringBuilder();

            write(builder, value);

            return builder.toString();
        }

        static void write(StringBuilder builder, Object value) {
            if (value == null) {
                builder.append("null");
            }
            else if ((value instanceof Boolean) || (value instanceof Number)) {
                builder.append(value.toString());
            }
            else if (value instanceof Map) {
                builder.append('{');

                Iterator<?> iterator = ((Map<?, ?>)value).entrySet().iterator();

                while (iterator.hasNext()) {
                    Map.Entry<?, ?> entry = (Map.Entry<?, ?>)iterator.next();

                    string(builder, String.valueOf(entry.getKey()));
                    builder.append(':');
                    write(builder, entry.getValue());

                    if (iterator.hasNext()) {
                        builder.append(',');
                    }
                }

                builder.append('}');
            }
            else if ((value instanceof List) || (value instanceof Object[])) {
                List<?> list = (value instanceof List) ? (List<?>)value : java.util.Arrays.asList((Object[])value);

                builder.append('[');

                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        builder.append(',');
                    }

                    write(builder, list.get(i));
                }

                builder.append(']');
            }
            else {
                string(builder, value.toString());
            }
        }

        static void string(StringBuilder builder, String text) {
            builder.append('"');

            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);

                if ((c == '"') || (c == '\\')) {
                    builder.append('\\').append(c);
                }
                else if (c < 0x20) {
                    builder.append(String.format("\\u%04x", (int)c));
                }
                else {
                    builder.append(c);
                }
            }

            builder.append('"');
        }

    }

}
'''


def java_source(mail_api):
    """The probe's source for a jar whose classes live under ``mail_api`` (javax.mail or jakarta.mail)."""
    if mail_api not in ('javax.mail', 'jakarta.mail'):
        raise ValueError('unknown mail API %r' % (mail_api,))
    return JAVA_SOURCE.replace('__MAIL__', mail_api)
