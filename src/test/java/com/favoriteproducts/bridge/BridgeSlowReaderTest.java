package com.favoriteproducts.bridge;

import com.favoriteproducts.support.BridgeClient;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TCP event-bus bridge: a client that does not read is closed, not buffered for")
class BridgeSlowReaderTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("BRIDGE_WRITE_QUEUE_MAX_BYTES", 65536)
    .put("BRIDGE_MAX_IN_FLIGHT", 1000).put("BRIDGE_MAX_FRAMES_PER_SECOND", 100_000)
    .put("BRIDGE_MAX_VIOLATIONS", 1000));

  private static final Pattern SLOW = Pattern.compile(
    "bridge_frames_total\\{[^}]*outcome=\"slow_reader\",type=\"socket\"[^}]*} ([0-9.]+)");

  @Test
  @DisplayName("replies pile up past BRIDGE_WRITE_QUEUE_MAX_BYTES: the socket is closed")
  void slowReaderIsClosed() throws IOException {
    String admin = app.adminToken();
    JsonArray ids = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    // About 40 KB of request, about 60 KB of reply (1000 UNAVAILABLE entries), never read.
    byte[] request = BridgeClient.frame(BridgeClient.sendFrame("products.getMany",
      new JsonObject().put("ids", ids).put("cacheOnly", true), admin, "r").encode()).getBytes();
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", app.bridgePort), 5000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      long t0 = System.currentTimeMillis();
      try {
        while (slowReaders() == 0 && System.currentTimeMillis() - t0 < 20_000) {
          for (int i = 0; i < 20; i++) {
            out.write(request);
          }
          out.flush();
        }
      } catch (IOException closed) {
        // the bridge closed the socket while we were writing: what this test wants
      }
      Eventually.until(10_000, "the bridge counts a slow reader", () -> slowReaders() >= 1);
    }
  }

  private static double slowReaders() {
    String text = await(app.http.get("/metrics").send()).bodyAsString();
    Matcher m = SLOW.matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
