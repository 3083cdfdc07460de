package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * RabbitMQ settings (RABBITMQ_* keys). {@code queuePrefix} names every queue and exchange the service declares
 * ({@code <prefix>.work}, {@code <prefix>.retry.<ms>}, {@code <prefix>.dead}, {@code <prefix>.events}; quorum queues
 * carry a {@code .q} suffix, see {@code RabbitTopology}).
 *
 * @param addresses      the broker endpoints, tried in order: RABBITMQ_ADDRESSES (comma {@code host:port}) when set,
 *                       else the one RABBITMQ_HOST:RABBITMQ_PORT
 * @param queueType      {@code classic} (default) or {@code quorum} (RABBITMQ_QUEUE_TYPE)
 * @param deliveryLimit  quorum queues only: deliveries of one message before the broker dead-letters it
 *                       (RABBITMQ_DELIVERY_LIMIT), so a message that kills its consumer cannot loop forever
 */
public record RabbitConfig(String host, int port, String user, String password, String virtualHost, String queuePrefix,
                           long reconnectIntervalMs, List<Endpoint> addresses, QueueType queueType, int deliveryLimit) {

  /** One broker endpoint. */
  public record Endpoint(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Without the password (a record's own toString would print it into any log line that names this). */
  @Override
  public String toString() {
    return "RabbitConfig[" + user + "@" + addresses + virtualHost + ", password " + (password == null
      || password.isEmpty() ? "none" : "set") + ", queues " + queuePrefix + ".* " + queueType + "]";
  }

  /** The type of the work, retry and dead-letter queues. */
  public enum QueueType { CLASSIC, QUORUM }

  public RabbitConfig {
    addresses = List.copyOf(addresses);
  }

  public static RabbitConfig from(JsonObject c) {
    String host = str(c, "RABBITMQ_HOST", "127.0.0.1");
    int port = integer(c, "RABBITMQ_PORT", 5672);
    String list = str(c, "RABBITMQ_ADDRESSES", "");
    List<Endpoint> addresses = list.isBlank() ? List.of(new Endpoint(host, port)) : endpoints(list);
    String type = str(c, "RABBITMQ_QUEUE_TYPE", "classic").trim().toUpperCase(Locale.ROOT);
    QueueType queueType;
    try {
      queueType = QueueType.valueOf(type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RABBITMQ_QUEUE_TYPE must be classic or quorum, got '"
        + str(c, "RABBITMQ_QUEUE_TYPE", "") + "'");
    }
    int deliveryLimit = integer(c, "RABBITMQ_DELIVERY_LIMIT", 20);
    if (deliveryLimit < 1) {
      throw new IllegalArgumentException("RABBITMQ_DELIVERY_LIMIT must be >= 1, got " + deliveryLimit);
    }
    return new RabbitConfig(addresses.get(0).host(), addresses.get(0).port(), str(c, "RABBITMQ_USER", "guest"),
      str(c, "RABBITMQ_PASSWORD", "guest"), str(c, "RABBITMQ_VHOST", "/"), str(c, "RABBITMQ_QUEUE_PREFIX", "favorites"),
      longValue(c, "RABBITMQ_RECONNECT_INTERVAL_MS", 2000), addresses, queueType, deliveryLimit);
  }

  static List<Endpoint> endpoints(String spec) {
    List<Endpoint> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String a = part.trim();
      int colon = a.lastIndexOf(':');
      int port;
      try {
        port = colon > 0 ? Integer.parseInt(a.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("RABBITMQ_ADDRESSES must be a comma list of host:port, got '" + spec + "'");
      }
      out.add(new Endpoint(a.substring(0, colon), port));
    }
    return out;
  }

  public boolean quorum() {
    return queueType == QueueType.QUORUM;
  }

  /** Options for the first address. */
  public RabbitMQOptions options() {
    return options(addresses.get(0));
  }

  /**
   * Client options for one endpoint, without the client's own reconnection: the jobs verticle replaces a lost
   * connection itself and walks the addresses in order (see {@code RabbitConnection}), which keeps consumers,
   * confirms and topology under one clear owner.
   */
  public RabbitMQOptions options(Endpoint endpoint) {
    return new RabbitMQOptions().setHost(endpoint.host()).setPort(endpoint.port()).setUser(user).setPassword(password)
      .setVirtualHost(virtualHost).setConnectionTimeout(3000).setHandshakeTimeout(5000).setRequestedHeartbeat(10)
      .setAutomaticRecoveryEnabled(false).setReconnectAttempts(0).setConnectionName("favorite-products");
  }
}
