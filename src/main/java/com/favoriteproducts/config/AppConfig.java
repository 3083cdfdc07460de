package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the flat configuration: {@code conf/config.json} (or {@code CONFIG_FILE}), then environment variables,
 * then {@code -D} system properties of the same UPPER_SNAKE names, later sources winning.
 *
 * <p>This runs before Vert.x exists (the cluster manager and metrics options depend on it), which is why it does
 * not use vertx-config: that needs a Vertx instance to read from.
 */
public final class AppConfig {

  private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]*");

  private AppConfig() {
  }

  public static JsonObject load() {
    return load(System.getenv(), System.getProperties());
  }

  static JsonObject load(Map<String, String> env, java.util.Properties props) {
    String file = env.getOrDefault("CONFIG_FILE", props.getProperty("CONFIG_FILE", "conf/config.json"));
    JsonObject base = readFile(Path.of(file));
    JsonObject merged = base.copy();
    // Every UPPER_SNAKE variable overlays, also keys the file does not list (tuning knobs such as
    // SHUTDOWN_DRAIN_MS): configuration is only ever read by key, so unrelated variables are inert.
    env.forEach((k, v) -> {
      if (KEY.matcher(k).matches()) {
        merged.put(k, v);
      }
    });
    props.stringPropertyNames().stream().filter(k -> KEY.matcher(k).matches())
      .forEach(k -> merged.put(k, props.getProperty(k)));
    return merged;
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

  /** A comma list of positive milliseconds (retry schedules): at least one; the key names itself in the error. */
  public static List<Long> delaysMs(JsonObject c, String key, String def) {
    String spec = str(c, key, def);
    List<Long> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      long ms;
      try {
        ms = Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a comma list of milliseconds, got '" + spec + "'");
      }
      if (ms < 1) {
        throw new IllegalArgumentException(key + " values must be >= 1, got " + ms);
      }
      out.add(ms);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(key + " must name at least one delay");
    }
    return List.copyOf(out);
  }
}
