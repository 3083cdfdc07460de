package com.favoriteproducts.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/** Which part of a query string cannot be percent-decoded, to name it in a 400. */
final class QueryStrings {

  private QueryStrings() {
  }

  /**
   * The (decoded) name of the first parameter whose name or value cannot be percent-decoded; {@code "query"} when that
   * parameter's name itself cannot be decoded, or no single parameter is at fault.
   */
  static String undecodableParameter(String query) {
    for (String part : query.split("[&;]")) {
      int eq = part.indexOf('=');
      String rawName = eq < 0 ? part : part.substring(0, eq);
      String name = decoded(rawName);
      if (name == null) {
        return "query";
      }
      if (eq >= 0 && decoded(part.substring(eq + 1)) == null) {
        return name.isEmpty() ? "query" : name;
      }
    }
    return "query";
  }

  private static String decoded(String component) {
    try {
      return QueryStringDecoder.decodeComponent(component);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
