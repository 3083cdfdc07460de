package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.longValue;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * PostgreSQL streaming replicas for reads (PG_READ_* keys).
 *
 * @param hosts           PG_READ_HOSTS: comma list of {@code host:port}; empty (the default): every read on the primary
 * @param maxLagMs        PG_READ_MAX_LAG_MS: a replica further behind the primary takes no reads until it catches up
 * @param checkIntervalMs PG_READ_CHECK_INTERVAL_MS: how often each pool owner measures each replica's lag; a
 *                        customer's reads stay on the primary after a change of it until a measurement shows the
 *                        replica has replayed past it, so this is also about how long such a pin lasts
 * @param pinsMax         PG_READ_PINS_MAX: recent changes a node remembers (one entry per customer changed within the
 *                        lag bound); when full, every per-customer read goes to the primary until entries expire
 */
public record ReplicaConfig(List<Endpoint> hosts, long maxLagMs, long checkIntervalMs, int pinsMax) {

  /** One replica's address. */
  public record Endpoint(String host, int port) {

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  public static ReplicaConfig from(JsonObject c) {
    List<Endpoint> hosts = new ArrayList<>();
    for (String part : str(c, "PG_READ_HOSTS", "").split(",")) {
      String s = part.trim();
      if (s.isEmpty()) {
        continue;
      }
      int colon = s.lastIndexOf(':');
      int port;
      try {
        port = colon < 1 ? -1 : Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("PG_READ_HOSTS must be a comma list of host:port, got '" + s + "'");
      }
      hosts.add(new Endpoint(s.substring(0, colon), port));
    }
    long maxLag = longValue(c, "PG_READ_MAX_LAG_MS", 10_000);
    long interval = longValue(c, "PG_READ_CHECK_INTERVAL_MS", 1000);
    int pinsMax = integer(c, "PG_READ_PINS_MAX", 100_000);
    if (maxLag < 1 || interval < 1 || pinsMax < 1) {
      throw new IllegalArgumentException("PG_READ_MAX_LAG_MS, PG_READ_CHECK_INTERVAL_MS and PG_READ_PINS_MAX must be"
        + " positive; got " + maxLag + ", " + interval + ", " + pinsMax);
    }
    return new ReplicaConfig(List.copyOf(hosts), maxLag, interval, pinsMax);
  }

  public boolean enabled() {
    return !hosts.isEmpty();
  }
}
