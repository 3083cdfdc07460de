package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("configuration: file, then environment, then system properties")
class AppConfigTest {

  @Test
  @DisplayName("the environment overrides the file, also for keys the file does not list; -D overrides both")
  void precedence() throws Exception {
    Path file = Files.createTempFile("config", ".json");
    Files.writeString(file, "{\"HTTP_PORT\": 8000, \"PG_DATABASE\": \"favorites\", \"API_TOKEN\": \"\"}");
    Properties props = new Properties();
    props.setProperty("PG_DATABASE", "from-property");
    JsonObject c = AppConfig.load(Map.of("CONFIG_FILE", file.toString(), "HTTP_PORT", "9000",
      "PG_DATABASE", "from-env", "SHUTDOWN_DRAIN_MS", "250", "lower_case", "ignored"), props);
    assertThat(AppConfig.integer(c, "HTTP_PORT", 0)).isEqualTo(9000);
    assertThat(AppConfig.str(c, "PG_DATABASE", null)).isEqualTo("from-property");
    assertThat(AppConfig.longValue(c, "SHUTDOWN_DRAIN_MS", 0)).isEqualTo(250);
    assertThat(AppConfig.str(c, "API_TOKEN", "default")).as("empty means unset").isEqualTo("default");
    assertThat(c.containsKey("lower_case")).isFalse();
  }
}
