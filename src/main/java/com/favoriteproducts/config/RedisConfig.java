package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;

/** Redis settings (REDIS_* keys). */
public record RedisConfig(String host, int port, String password, int db) {

  public static RedisConfig from(JsonObject c) {
    return new RedisConfig(str(c, "REDIS_HOST", "127.0.0.1"), integer(c, "REDIS_PORT", 6379), str(c, "REDIS_PASSWORD", ""),
      integer(c, "REDIS_DB", 0));
  }

  public String connectionString() {
    String auth = password.isEmpty() ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@";
    return "redis://" + auth + host + ":" + port + "/" + db;
  }

  public RedisOptions options() {
    return new RedisOptions().setConnectionString(connectionString()).setMaxPoolSize(8).setMaxPoolWaiting(4096)
      .setMaxWaitingHandlers(4096);
  }
}
