package com.favoriteproducts.bench;

/** Environment lookups with defaults for the bench tools (an empty value counts as unset). */
final class Env {

  private Env() {
  }

  static String str(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  static int integer(String name, int def) {
    String v = str(name, null);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }
}
