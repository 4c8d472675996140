package dev.tonari.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The disconnect probe of running queries on real loopback sockets: an open connection is not
 * reported gone, the same connection after its client closed is (the server side in CLOSE_WAIT).
 */
class ClientDisconnectTest {
  @Test
  void aConnectionIsReportedGoneOnlyAfterItsClientClosedIt() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux's /proc/net/tcp");
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      try (Socket accepted = listener.accept()) {
        int localPort = accepted.getLocalPort();
        int remotePort = accepted.getPort();
        assertThat(QueryHandlers.TcpStates.peerClosed(localPort, remotePort)).isFalse();

        client.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> QueryHandlers.TcpStates.peerClosed(localPort, remotePort));
      }
    }
  }

  @Test
  void anUnknownConnectionIsNotReportedGone() {
    assertThat(QueryHandlers.TcpStates.peerClosed(1, 1)).isFalse();
  }
}
