package com.favoriteproducts.http;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("HTTP connections are bounded: header-read and keep-alive timeouts, a connection cap")
class ConnectionLimitsTest {

  /** Generous against a busy machine, far below "never". */
  private static final int CLOSED_WITHIN_MS = 15_000;

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("HTTP_INSTANCES", 1).put("HTTP_HEADER_TIMEOUT_MS", 500)
    .put("HTTP_KEEP_ALIVE_TIMEOUT_MS", 1_000).put("HTTP_MAX_CONNECTIONS", 8));

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", app.port);
    s.setSoTimeout(CLOSED_WITHIN_MS);
    return s;
  }

  /** Everything the server sends until it closes the connection; fails if it stays open CLOSED_WITHIN_MS. */
  private static String readUntilClosed(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was still open after " + CLOSED_WITHIN_MS + " ms; got so far: "
        + out.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException reset) {
      // a reset is a close too
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("half a request header: 408 and the connection is closed after HTTP_HEADER_TIMEOUT_MS")
  void halfAHeader() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  @DisplayName("a connection that sends nothing is closed too")
  void silent() throws IOException {
    try (Socket s = connect()) {
      assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  @DisplayName("on a keep-alive connection, the next request's header must come within HTTP_KEEP_ALIVE_TIMEOUT_MS")
  void keepAlive() throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\nGET /health/live HTTP/1.1\r\nHost: l"
        .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String got = readUntilClosed(s);
      assertThat(got).startsWith("HTTP/1.1 200").contains("\"status\"");
      assertThat(got.split("HTTP/1.1 ", -1)).as("one response, then closed").hasSize(2);
    }
  }

  @Test
  @DisplayName("over HTTP_MAX_CONNECTIONS a new connection is closed at once; the others still work")
  void cap() throws IOException {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        held.add(connect());
      }
      // The first 8 are held open (within their header timeout); the 9th is closed without a byte.
      try (Socket over = connect()) {
        assertThat(readUntilClosed(over)).as("closed without a byte (a header timeout would send 408)").isEmpty();
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    HttpResponse<Buffer> r = null;
    for (int attempt = 0; attempt < 50 && (r == null || r.statusCode() != 200); attempt++) {
      try {
        r = await(app.http.get("/metrics").send());
      } catch (AssertionError closedWhileTheSlotsFree) {
        r = null;
      }
    }
    assertThat(r).isNotNull();
    assertThat(r.bodyAsString()).containsPattern("http_connections_closed_total\\{reason=\"over_limit\"[^}]*} [1-9]");
  }
}
