package dev.livepad.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway self-signed certificate (made by the JDK's keytool, so nothing else need be
 * installed) as PEM files for a TLS-terminating proxy, and client sockets that trust exactly it.
 */
public final class SelfSignedTls {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final Path certificate;
    private final Path privateKey;
    private final SSLContext context;

    private SelfSignedTls(Path certificate, Path privateKey, SSLContext context) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.context = context;
    }

    /** Creates a certificate for {@code host} in {@code dir}. */
    public static SelfSignedTls create(Path dir, String host) throws IOException, InterruptedException {
        Path store = dir.resolve("tls.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "proxy", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + host, "-ext", "SAN=dns:" + host, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD);
            Certificate cert = keys.getCertificate("proxy");
            Path certificate = pem(dir.resolve("proxy.pem"), "CERTIFICATE", cert.getEncoded());
            Path privateKey = pem(dir.resolve("proxy.key"), "PRIVATE KEY", keys.getKey("proxy", PASSWORD).getEncoded());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("proxy", cert);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new SelfSignedTls(certificate, privateKey, context);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static Path pem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }

    public Path certificate() {
        return certificate;
    }

    public Path privateKey() {
        return privateKey;
    }

    /** TLS over an already connected socket (from any local address), handshake done. */
    public Socket wrap(Socket plain, String host) {
        try {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
