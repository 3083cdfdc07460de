package com.favoriteproducts.config;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.NodeProcess;
import com.favoriteproducts.support.TestApp;
import com.favoriteproducts.support.TestServices;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("JWT configuration: secret strength, leeway, the generated API token")
class JwtConfigTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("an HS256 JWT_SECRET shorter than 32 bytes is refused, naming the key and the size needed")
  void shortSecret() {
    JsonObject c = new JsonObject().put("JWT_SECRET", "x".repeat(31)).put("API_TOKEN", "t");
    assertThatThrownBy(() -> JwtConfig.prepare(c)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("JWT_SECRET").hasMessageContaining("32 bytes").hasMessageContaining("256 bits");
    assertThatThrownBy(() -> JwtConfig.from(c)).hasMessageContaining("JWT_SECRET");
    assertThatThrownBy(() -> JwtConfig.from(new JsonObject().put("JWT_ALGORITHM", "HS512")
      .put("JWT_SECRET", "x".repeat(63)))).hasMessageContaining("64 bytes");
    assertThat(JwtConfig.from(new JsonObject().put("JWT_SECRET", "x".repeat(32))).leewaySeconds())
      .as("32 bytes pass; default leeway").isEqualTo(5);
    assertThatThrownBy(() -> JwtConfig.from(new JsonObject().put("JWT_SECRET", "x".repeat(32))
      .put("JWT_LEEWAY_SECONDS", -1))).hasMessageContaining("JWT_LEEWAY_SECONDS");
  }

  @Test
  @DisplayName("the service refuses to start with a short JWT_SECRET (exit status 2, the key named in the log)")
  void shortSecretStopsStartUp() {
    JsonObject c = TestApp.defaultConfig().put("JWT_SECRET", "too-short-secret").put("VERTICLES", "http");
    try (NodeProcess node = NodeProcess.start("short-secret", c, c.getInteger("HTTP_PORT"))) {
      Eventually.until(60_000, "the node exits by itself", () -> !node.isAlive());
      assertThat(node.terminate(Duration.ofSeconds(5))).isEqualTo(2);
      assertThat(node.output()).contains("bad configuration").contains("JWT_SECRET is too short (16 bytes)");
      assertThat(node.output()).doesNotContain("favorite-products started");
    }
  }

  @Test
  @DisplayName("a start-up failure of the in-process app also names JWT_SECRET")
  void shortSecretFailsDeploy() {
    JsonObject c = TestApp.defaultConfig().put("JWT_SECRET", "short").put("VERTICLES", "http");
    assertThatThrownBy(() -> TestApp.start(c).close()).hasStackTraceContaining("JWT_SECRET is too short");
  }

  @Test
  @DisplayName("with no API_TOKEN one is generated into API_TOKEN_FILE (owner-only), reused later, and never logged")
  void generatedApiTokenIsNotLogged() throws Exception {
    Path file = dir.resolve("sub/api-token");
    JsonObject c = new JsonObject().put("JWT_SECRET", "y".repeat(40)).put("API_TOKEN_FILE", file.toString());
    String notes = JwtConfig.prepare(c);
    String token = c.getString("API_TOKEN");
    assertThat(token).hasSizeGreaterThanOrEqualTo(32);
    assertThat(notes).doesNotContain(token).contains(file.toAbsolutePath().toString())
      .contains("sha256:" + JwtConfig.fingerprint(token));
    assertThat(Files.readString(file).trim()).isEqualTo(token);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    JsonObject again = new JsonObject().put("JWT_SECRET", "y".repeat(40)).put("API_TOKEN_FILE", file.toString());
    String notesAgain = JwtConfig.prepare(again);
    assertThat(again.getString("API_TOKEN")).as("a restart keeps the token").isEqualTo(token);
    assertThat(notesAgain).doesNotContain(token);
  }

  @Test
  @DisplayName("a node started without API_TOKEN logs where its token is, not the token")
  void nodeLogHasNoToken() throws Exception {
    Path file = dir.resolve("node-api-token");
    JsonObject c = TestServices.config().put("VERTICLES", "http").put("HTTP_PORT", TestApp.freePort())
      .put("HTTP_HOST", "127.0.0.1").put("JWT_SECRET", "z".repeat(40)).put("API_TOKEN_FILE", file.toString())
      .put("METRICS_ENABLED", "false").put("LOG_LEVEL", "INFO");
    try (NodeProcess node = NodeProcess.start("no-api-token", c, c.getInteger("HTTP_PORT"))) {
      node.awaitStarted(Duration.ofSeconds(90));
      String token = Files.readString(file).trim();
      assertThat(token).isNotEmpty();
      assertThat(node.output()).contains(file.toString()).doesNotContain(token);
    }
  }
}
