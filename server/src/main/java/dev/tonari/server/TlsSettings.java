package dev.tonari.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code server.tls}: the listener speaks HTTPS when both {@code cert_file} and {@code key_file}
 * are set. The certificate file is PEM, the server's certificate first, then the chain; the key
 * file is a PEM PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC, unencrypted),
 * as {@code openssl genpkey} or {@code keytool} with {@code openssl pkcs8} write them. Both are read
 * with the JDK alone ({@link CertificateFactory}, base64 and {@link KeyFactory}): no crypto of ours.
 *
 * @param certFile the PEM certificate chain, or empty for plain HTTP
 * @param keyFile the PEM PKCS#8 private key, or empty for plain HTTP
 */
public record TlsSettings(Optional<Path> certFile, Optional<Path> keyFile) {
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";
  /** The in-memory key store's password: it never leaves the process, so it protects nothing and need not be secret. */
  static final char[] KEY_STORE_PASSWORD = "tonari".toCharArray();

  public TlsSettings {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("server.tls needs both cert_file and key_file (only " + (certFile.isPresent() ? "cert_file" : "key_file")
          + " is set)");
    }
  }

  public static TlsSettings none() {
    return new TlsSettings(Optional.empty(), Optional.empty());
  }

  public static TlsSettings of(Path certFile, Path keyFile) {
    return new TlsSettings(Optional.of(certFile), Optional.of(keyFile));
  }

  public boolean enabled() {
    return certFile.isPresent();
  }

  /**
   * The certificate chain and key as an in-memory key store (alias {@code tonari}, password {@link
   * #KEY_STORE_PASSWORD}), after checking that the key belongs to the first certificate.
   *
   * @throws IOException naming the file and what is wrong with it (missing, not PEM, not PKCS#8, key and certificate do not match)
   */
  public KeyStore keyStore() throws IOException {
    if (!enabled()) {
      throw new IllegalStateException("TLS is not configured");
    }
    List<Certificate> chain = readCertificates(certFile.get());
    PrivateKey key = readPrivateKey(keyFile.get());
    try {
      if (!((X509Certificate) chain.get(0)).getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
        throw new IOException("server.tls: key_file " + keyFile.get() + " holds an " + key.getAlgorithm() + " key, but the certificate in cert_file "
            + certFile.get() + " is for an " + chain.get(0).getPublicKey().getAlgorithm() + " key");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("tonari", key, KEY_STORE_PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException e) {
      throw new IOException("server.tls: cannot use the key of " + keyFile.get() + " with the certificates of " + certFile.get() + ": " + e.getMessage(), e);
    }
  }

  /** Reads both files and reports the first problem, for the config lint; empty when TLS is off or both files are fine. */
  public Optional<String> problem() {
    if (!enabled()) {
      return Optional.empty();
    }
    try {
      keyStore();
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  static List<Certificate> readCertificates(Path file) throws IOException {
    byte[] bytes = read(file, "cert_file");
    try {
      List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)));
      if (chain.isEmpty()) {
        throw new IOException("server.tls: cert_file " + file + " holds no certificate; expected PEM blocks -----BEGIN CERTIFICATE-----");
      }
      return chain;
    } catch (CertificateException e) {
      throw new IOException("server.tls: cert_file " + file + " is not a PEM certificate chain (-----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
    }
  }

  static PrivateKey readPrivateKey(Path file) throws IOException {
    String text = new String(read(file, "key_file"), StandardCharsets.US_ASCII);
    int begin = text.indexOf(KEY_BEGIN);
    int end = text.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
          ? " (this is a PKCS#1 or SEC1 key: convert it with 'openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key')"
          : text.contains("ENCRYPTED PRIVATE KEY") ? " (it is encrypted: write it unencrypted with 'openssl pkcs8 -topk8 -nocrypt')" : "";
      throw new IOException("server.tls: key_file " + file + " has no " + KEY_BEGIN + " block" + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IOException("server.tls: key_file " + file + " is not valid base64 between its PEM lines: " + e.getMessage(), e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    List<String> tried = List.of("RSA", "EC");
    for (String algorithm : tried) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException notThisAlgorithm) {
        // The PKCS#8 header names the algorithm; the next factory may read it.
      } catch (GeneralSecurityException e) {
        throw new IOException("server.tls: cannot read key_file " + file + ": " + e.getMessage(), e);
      }
    }
    throw new IOException("server.tls: key_file " + file + " is neither an RSA nor an EC PKCS#8 private key");
  }

  private static byte[] read(Path file, String key) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("server.tls: " + key + " " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("server.tls: cannot read " + key + " " + file + ": " + e.getMessage(), e);
    }
  }
}
