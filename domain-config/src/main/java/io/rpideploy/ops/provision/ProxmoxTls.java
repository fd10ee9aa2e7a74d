package io.rpideploy.ops.provision;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the Proxmox API's certificate is trusted. A Proxmox node usually has a self-signed certificate, so either its
 * SHA-256 fingerprint is pinned (what {@code pvenode cert info} prints) or the cluster's CA file
 * ({@code /etc/pve/pve-root-ca.pem}) is given; without either the JDK's default trust store applies (for an ACME
 * certificate). Nothing is ever trusted blindly.
 */
public final class ProxmoxTls {

    private ProxmoxTls() {
    }

    public static SSLContext context(Optional<String> fingerprint, Optional<Path> caFile)
            throws IOException, GeneralSecurityException {
        if (fingerprint.isPresent()) {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new Pinned(fingerprint.get())}, null);
            return tls;
        }
        if (caFile.isPresent()) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(caFile.get())) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca" + i++, c);
                }
                if (i == 0) {
                    throw new IllegalArgumentException("proxmox.tls_ca_file " + caFile.get() + ": no certificate");
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls;
        }
        return SSLContext.getDefault();
    }

    /** "AB:CD:..." upper case, as Proxmox shows fingerprints. */
    static String fingerprint(X509Certificate certificate) throws CertificateException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new CertificateException(e);
        }
    }

    /**
     * Accepts exactly the server certificate with the pinned fingerprint. An extended trust manager, so the JDK
     * adds no host name check of its own: the pin is stronger than a name (a self-signed certificate often lacks
     * the name or address ops use).
     */
    static final class Pinned extends X509ExtendedTrustManager {
        private final String pin;

        Pinned(String pin) {
            String hex = pin.replace(":", "").toUpperCase(Locale.ROOT);
            this.pin = HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String actual = fingerprint(chain[0]);
            if (!actual.equals(pin)) {
                throw new CertificateException("the server's certificate has SHA-256 fingerprint " + actual
                        + ", not the pinned proxmox.tls_fingerprint_sha256 " + pin);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
