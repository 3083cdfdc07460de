package com.favoriteproducts.http;

/** Entity tags: a customer's ETag is its version, quoted (strong). */
final class Headers {

  private Headers() {
  }

  static String etag(int version) {
    return "\"" + version + "\"";
  }

  /** A strong entity tag over a response body: the first 128 bits of its SHA-256, base64url. */
  static String etag(io.vertx.core.buffer.Buffer body) {
    java.security.MessageDigest sha = SHA256.get();
    byte[] digest = sha.digest(body.getBytes());
    return "\"" + java.util.Base64.getUrlEncoder().withoutPadding()
      .encodeToString(java.util.Arrays.copyOf(digest, 16)) + "\"";
  }

  /**
   * One digest per thread (event loops), reset by each {@code digest}: {@code MessageDigest.getInstance} looks the
   * provider up on every call.
   */
  private static final ThreadLocal<java.security.MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /** True when an If-None-Match value matches the current tag (weak comparison, lists and * allowed). */
  static boolean noneMatchHits(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(etag) || (t.startsWith("W/") && t.substring(2).equals(etag))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The version an If-Match header demands: null for none or "*", -1 when the tag cannot be one of ours (so the
   * conditional write fails with 412), else the version.
   */
  static Integer ifMatchVersion(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      return null;
    }
    String t = ifMatch.split(",")[0].trim();
    if (t.equals("*")) {
      return null;
    }
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      try {
        return Integer.parseInt(t.substring(1, t.length() - 1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }
}
