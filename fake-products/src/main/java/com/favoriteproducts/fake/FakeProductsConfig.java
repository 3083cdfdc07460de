package com.favoriteproducts.fake;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * Settings of the stand-in, parsed once from the deployment config. Keys are the environment variable names;
 * values may be JSON numbers/booleans (tests) or strings (taken from the environment).
 */
public record FakeProductsConfig(
    int port,
    int catalogSize,
    long catalogSeed,
    String catalogFile,
    boolean adminEnabled,
    FaultSettings faults) {

  public static final String PORT = "PORT";
  public static final String CATALOG_SIZE = "CATALOG_SIZE";
  public static final String CATALOG_SEED = "CATALOG_SEED";
  public static final String CATALOG_FILE = "CATALOG_FILE";
  public static final String ADMIN_ENABLED = "ADMIN_ENABLED";
  public static final String FAULT_LATENCY_MS = "FAULT_LATENCY_MS";
  public static final String FAULT_FAILURE_RATE = "FAULT_FAILURE_RATE";
  public static final String FAULT_DOWN = "FAULT_DOWN";

  /** Every key the verticle reads, in documentation order. */
  public static final List<String> KEYS = List.of(
      PORT, CATALOG_SIZE, CATALOG_SEED, CATALOG_FILE, ADMIN_ENABLED, FAULT_LATENCY_MS, FAULT_FAILURE_RATE, FAULT_DOWN);

  public static final int DEFAULT_PORT = 8001;
  public static final int DEFAULT_CATALOG_SIZE = 10_000;
  public static final long DEFAULT_CATALOG_SEED = 42L;

  /** The defaults as a config object (CATALOG_FILE has none: absent means "generate"). */
  public static JsonObject defaults() {
    return new JsonObject()
        .put(PORT, DEFAULT_PORT)
        .put(CATALOG_SIZE, DEFAULT_CATALOG_SIZE)
        .put(CATALOG_SEED, DEFAULT_CATALOG_SEED)
        .put(ADMIN_ENABLED, false)
        .put(FAULT_LATENCY_MS, 0)
        .put(FAULT_FAILURE_RATE, 0.0)
        .put(FAULT_DOWN, false);
  }

  /** Defaults, overridden by those of the given environment variables that are set and not blank. */
  public static JsonObject fromEnvironment(Map<String, String> env) {
    JsonObject config = defaults();
    for (String key : KEYS) {
      String value = env.get(key);
      if (value != null && !value.isBlank()) {
        config.put(key, value.trim());
      }
    }
    return config;
  }

  /** Parses and checks a deployment config; missing keys take their defaults. */
  public static FakeProductsConfig from(JsonObject config) {
    JsonObject c = defaults().mergeIn(config == null ? new JsonObject() : config);
    int port = (int) longValue(c, PORT, 0, 65_535);
    int size = (int) longValue(c, CATALOG_SIZE, 0, 10_000_000);
    long seed = longValue(c, CATALOG_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
    Object file = c.getValue(CATALOG_FILE);
    String catalogFile = file == null || file.toString().isBlank() ? null : file.toString();
    boolean admin = boolValue(c, ADMIN_ENABLED);
    FaultSettings faults = new FaultSettings(
        longValue(c, FAULT_LATENCY_MS, 0, FaultSettings.MAX_LATENCY_MS),
        doubleValue(c, FAULT_FAILURE_RATE, 0.0, 1.0),
        boolValue(c, FAULT_DOWN));
    return new FakeProductsConfig(port, size, seed, catalogFile, admin, faults);
  }

  private static long longValue(JsonObject c, String key, long min, long max) {
    Object v = c.getValue(key);
    long n;
    try {
      if (v instanceof Number num && (num instanceof Integer || num instanceof Long || num instanceof Short)) {
        n = num.longValue();
      } else {
        n = Long.parseLong(v.toString().trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private static double doubleValue(JsonObject c, String key, double min, double max) {
    Object v = c.getValue(key);
    double d;
    try {
      d = v instanceof Number num ? num.doubleValue() : Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
    }
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + v);
    }
    return d;
  }

  private static boolean boolValue(JsonObject c, String key) {
    Object v = c.getValue(key);
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
  }
}
