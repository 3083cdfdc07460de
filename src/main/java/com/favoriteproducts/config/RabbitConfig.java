package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQOptions;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * RabbitMQ settings (RABBITMQ_* keys). {@code queuePrefix} names every queue and exchange the service declares
 * ({@code <prefix>.work}, {@code <prefix>.retry.<ms>}, {@code <prefix>.dead}, {@code <prefix>.events}).
 */
public record RabbitConfig(String host, int port, String user, String password, String virtualHost, String queuePrefix,
                           long reconnectIntervalMs) {

  public static RabbitConfig from(JsonObject c) {
    return new RabbitConfig(str(c, "RABBITMQ_HOST", "127.0.0.1"), integer(c, "RABBITMQ_PORT", 5672),
      str(c, "RABBITMQ_USER", "guest"), str(c, "RABBITMQ_PASSWORD", "guest"), str(c, "RABBITMQ_VHOST", "/"),
      str(c, "RABBITMQ_QUEUE_PREFIX", "favorites"), longValue(c, "RABBITMQ_RECONNECT_INTERVAL_MS", 2000));
  }

  /**
   * Client options without the client's own reconnection: the jobs verticle replaces a lost connection itself
   * (see {@code RabbitConnection}), which keeps consumers, confirms and topology under one clear owner.
   */
  public RabbitMQOptions options() {
    return new RabbitMQOptions().setHost(host).setPort(port).setUser(user).setPassword(password)
      .setVirtualHost(virtualHost).setConnectionTimeout(3000).setHandshakeTimeout(5000).setRequestedHeartbeat(10)
      .setAutomaticRecoveryEnabled(false).setReconnectAttempts(0).setConnectionName("favorite-products");
  }
}
