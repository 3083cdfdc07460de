package com.favoriteproducts.bridge;

import com.favoriteproducts.support.TestApp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("BRIDGE_ENABLED=false")
class BridgeDisabledTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("BRIDGE_ENABLED", "false"));

  @Test
  @DisplayName("skips the bridge although VERTICLES names it: nothing listens on BRIDGE_PORT, the API still serves")
  void off() {
    assertThatThrownBy(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", app.bridgePort), 2000);
      }
    }).isInstanceOf(IOException.class);
    assertThat(TestApp.await(app.http.get("/health/live").send()).statusCode()).isEqualTo(200);
  }
}
