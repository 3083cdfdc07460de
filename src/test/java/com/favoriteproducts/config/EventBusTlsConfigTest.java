package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("EVENTBUS_TLS configuration is refused at start when incomplete or unreadable")
class EventBusTlsConfigTest {

  @Test
  @DisplayName("off by default; TLS on without key, certificate or CA names the missing keys")
  void missingKeys() {
    assertThat(EventBusTlsConfig.from(new JsonObject()).enabled()).isFalse();
    assertThatThrownBy(() -> EventBusTlsConfig.from(new JsonObject().put("EVENTBUS_TLS", "true")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("EVENTBUS_TLS_CERT and EVENTBUS_TLS_KEY").hasMessageContaining("EVENTBUS_TLS_KEYSTORE");
  }

  @Test
  @DisplayName("a missing file, a key file that is not a key and a missing CA are each named")
  void badFiles(@TempDir Path dir) throws Exception {
    Path crt = dir.resolve("tls.crt");
    Files.writeString(crt, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    JsonObject c = new JsonObject().put("EVENTBUS_TLS", true).put("EVENTBUS_TLS_CERT", crt.toString())
      .put("EVENTBUS_TLS_KEY", dir.resolve("nope.key").toString()).put("EVENTBUS_TLS_CA", crt.toString());
    assertThatThrownBy(() -> EventBusTlsConfig.from(c)).hasMessageContaining("EVENTBUS_TLS_KEY")
      .hasMessageContaining("does not exist");
    c.put("EVENTBUS_TLS_KEY", crt.toString());
    assertThatThrownBy(() -> EventBusTlsConfig.from(c)).hasMessageContaining("EVENTBUS_TLS_KEY")
      .hasMessageContaining("not a PEM file with a private key");
    c.remove("EVENTBUS_TLS_CA");
    Path key = dir.resolve("tls.key");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    c.put("EVENTBUS_TLS_KEY", key.toString());
    assertThatThrownBy(() -> EventBusTlsConfig.from(c)).hasMessageContaining("EVENTBUS_TLS_CA");
    c.put("EVENTBUS_TLS_CA", crt.toString());
    assertThat(EventBusTlsConfig.from(c).pemIdentity()).isTrue();
  }
}
