package dev.tonari.server;

import java.security.KeyStore;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS listener of {@code server.tls}: Jetty's TLS over the JDK's, on the configured host and
 * port, in place of the plain connector. TLS 1.2 and 1.3 with the JDK's default cipher suites; a
 * plain HTTP request to it is answered with Jetty's 400 and the connection closed, never served.
 */
final class TlsConnector {
  private TlsConnector() {}

  static Connector create(Server server, HttpConfiguration http, ServerConfig config, KeyStore keyStore) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStore(keyStore);
    tls.setKeyStorePassword(new String(TlsSettings.KEY_STORE_PASSWORD));
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    // The certificate names the host, not the server: the host check is the client's, as for any HTTPS server.
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    HttpConfiguration https = new HttpConfiguration(http);
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(config.listenHost());
    connector.setPort(config.listenPort());
    return connector;
  }
}
