package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the flat configuration: {@code conf/config.json} (or {@code CONFIG_FILE}), then environment variables,
 * then {@code -D} system properties of the same UPPER_SNAKE names, later sources winning.
 *
 * <p>This runs before Vert.x exists (the cluster manager and metrics options depend on it), which is why it does
 * not use vertx-config: that needs a Vertx instance to read from.
 */
public final class AppConfig {

  private AppConfig() {
  }

  public static JsonObject load() {
    return load(System.getenv(), System.getProperties());
  }

  static JsonObject load(Map<String, String> env, java.util.Properties props) {
    String file = env.getOrDefault("CONFIG_FILE", props.getProperty("CONFIG_FILE", "conf/config.json"));
    JsonObject base = readFile(Path.of(file));
    JsonObject merged = base.copy();
    for (String key : base.fieldNames()) {
      if (env.containsKey(key)) {
        merged.put(key, env.get(key));
      }
      if (props.containsKey(key)) {
        merged.put(key, props.getProperty(key));
      }
    }
    // Keys absent from the file may still be set from the environment (e.g. *_INSTANCES tuning knobs).
    env.forEach((k, v) -> {
      if (!merged.containsKey(k) && k.matches("[A-Z][A-Z0-9_]*") && isOurs(k)) {
        merged.put(k, v);
      }
    });
    return merged;
  }

  private static boolean isOurs(String key) {
    return key.startsWith("HTTP_") || key.startsWith("PG_") || key.startsWith("REDIS_") || key.startsWith("RABBITMQ_")
      || key.startsWith("PRODUCTS_") || key.startsWith("JWT_") || key.startsWith("CLUSTER") || key.startsWith("EVENTBUS_")
      || key.startsWith("FAVORITES_") || key.startsWith("JOBS_") || key.startsWith("CUSTOMERS_") || key.startsWith("CACHE_")
      || key.equals("API_TOKEN") || key.equals("VERTICLES");
  }

  private static JsonObject readFile(Path path) {
    if (!Files.exists(path)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read configuration file " + path.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  // Lenient accessors: values from the environment arrive as strings.

  public static String str(JsonObject c, String key, String def) {
    Object v = c.getValue(key);
    if (v == null) {
      return def;
    }
    String s = v.toString().trim();
    return s.isEmpty() ? def : s;
  }

  public static int integer(JsonObject c, String key, int def) {
    Object v = c.getValue(key);
    if (v instanceof Number n) {
      return n.intValue();
    }
    String s = v == null ? "" : v.toString().trim();
    if (s.isEmpty()) {
      return def;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration " + key + " must be an integer, got '" + s + "'");
    }
  }

  public static long longValue(JsonObject c, String key, long def) {
    Object v = c.getValue(key);
    if (v instanceof Number n) {
      return n.longValue();
    }
    String s = v == null ? "" : v.toString().trim();
    if (s.isEmpty()) {
      return def;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration " + key + " must be an integer, got '" + s + "'");
    }
  }

  public static boolean bool(JsonObject c, String key, boolean def) {
    Object v = c.getValue(key);
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v == null ? "" : v.toString().trim();
    return s.isEmpty() ? def : s.equalsIgnoreCase("true") || s.equals("1") || s.equalsIgnoreCase("yes");
  }
}
