package com.favoriteproducts.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;


/**
 * JWT and API-token settings. HS256 with {@code JWT_SECRET} by default; RS256/ES256 with PEM keys from
 * {@code JWT_PRIVATE_KEY_FILE} (to sign) and {@code JWT_PUBLIC_KEY_FILE} (to verify).
 *
 * @param leewaySeconds JWT_LEEWAY_SECONDS: clock skew allowed when checking {@code exp}, {@code iat} and {@code nbf}
 *                      (default 5: NTP keeps nodes well within a second of each other; 5 s absorbs a badly synced
 *                      node without letting an expired token live noticeably longer)
 */
public record JwtConfig(String algorithm, String secret, String privateKeyPem, String publicKeyPem, String issuer,
                          int ttlSeconds, int leewaySeconds, String apiToken) {

  static final int DEFAULT_LEEWAY_SECONDS = 5;

  /** Without the secret, the private key or the API token (a record's own toString would print them). */
  @Override
  public String toString() {
    return "JwtConfig[" + algorithm + ", issuer " + issuer + ", ttl " + ttlSeconds + " s, leeway " + leewaySeconds
      + " s, secret " + (secret == null || secret.isEmpty() ? "none" : "set") + ", private key "
      + (privateKeyPem == null || privateKeyPem.isEmpty() ? "none" : "set") + ", API token "
      + (apiToken == null || apiToken.isEmpty() ? "none" : "sha256:" + fingerprint(apiToken)) + "]";
  }
  static final String DEFAULT_API_TOKEN_FILE = ".run/api-token";

  public JwtConfig {
    if (algorithm.startsWith("HS")) {
      requireStrongSecret(algorithm, secret);
    }
    if (leewaySeconds < 0 || leewaySeconds > 300) {
      throw new IllegalArgumentException("JWT_LEEWAY_SECONDS must be between 0 and 300, got " + leewaySeconds);
    }
  }

  public static JwtConfig from(JsonObject c) {
    return new JwtConfig(str(c, "JWT_ALGORITHM", "HS256").toUpperCase(Locale.ROOT), str(c, "JWT_SECRET", ""),
      str(c, "JWT_PRIVATE_KEY_PEM", ""), str(c, "JWT_PUBLIC_KEY_PEM", ""), str(c, "JWT_ISSUER", "favorite-products"),
      integer(c, "JWT_TTL_SECONDS", 3600), integer(c, "JWT_LEEWAY_SECONDS", DEFAULT_LEEWAY_SECONDS),
      str(c, "API_TOKEN", ""));
  }

  /**
   * An HMAC key must be at least as long as the hash (RFC 7518, section 3.2): 32 bytes for HS256, 48 for HS384, 64 for
   * HS512. A shorter one is refused at start-up rather than silently accepted.
   */
  static void requireStrongSecret(String algorithm, String secret) {
    int bits = switch (algorithm) {
      case "HS384" -> 384;
      case "HS512" -> 512;
      default -> 256;
    };
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < bits / 8) {
      throw new IllegalArgumentException("JWT_SECRET is " + (bytes == 0 ? "empty" : "too short (" + bytes + " bytes)")
        + ": " + algorithm + " needs at least " + bits / 8 + " bytes (" + bits + " bits); generate one with"
        + " `openssl rand -hex 32`");
    }
  }

  /**
   * Fills what start-up must settle once for every verticle instance: reads PEM files (blocking: call from main),
   * and generates a random API token / HS256 secret when none is configured. Returns notes to log.
   */
  public static String prepare(JsonObject c) {
    StringBuilder notes = new StringBuilder();
    String alg = str(c, "JWT_ALGORITHM", "HS256").toUpperCase(Locale.ROOT);
    if (alg.startsWith("HS")) {
      if (str(c, "JWT_SECRET", "").isEmpty()) {
        c.put("JWT_SECRET", random(32));
        notes.append("JWT_SECRET is not set: generated a random one for this process (tokens will not survive a"
          + " restart nor be accepted by other nodes; set JWT_SECRET in production). ");
      }
      requireStrongSecret(alg, str(c, "JWT_SECRET", ""));
    } else {
      readPem(c, "JWT_PRIVATE_KEY_FILE", "JWT_PRIVATE_KEY_PEM");
      readPem(c, "JWT_PUBLIC_KEY_FILE", "JWT_PUBLIC_KEY_PEM");
      if (str(c, "JWT_PUBLIC_KEY_PEM", "").isEmpty()) {
        throw new IllegalArgumentException("JWT_ALGORITHM " + alg + " needs JWT_PUBLIC_KEY_FILE (and JWT_PRIVATE_KEY_FILE to issue tokens)");
      }
    }
    if (str(c, "API_TOKEN", "").isEmpty()) {
      notes.append(apiTokenFromFile(c));
    }
    return notes.toString();
  }

  /**
   * With no API_TOKEN: the one in API_TOKEN_FILE (default {@code .run/api-token}, what {@code make run} writes), else
   * a new random one written there (owner-only). The token itself is never logged: the note names the file and a
   * fingerprint (the first 8 hex digits of its SHA-256), enough to tell two tokens apart.
   */
  private static String apiTokenFromFile(JsonObject c) {
    Path file = Path.of(str(c, "API_TOKEN_FILE", DEFAULT_API_TOKEN_FILE)).toAbsolutePath();
    try {
      String token = Files.isRegularFile(file) ? Files.readString(file).trim() : "";
      String how = "read it from";
      if (token.isEmpty()) {
        token = random(24);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (UnsupportedOperationException e) {
          Files.createFile(file); // not a POSIX file system
        }
        Files.writeString(file, token + "\n");
        how = "generated one into";
      }
      c.put("API_TOKEN", token);
      return "API_TOKEN is not set: " + how + " " + file + " (fingerprint sha256:" + fingerprint(token) + "). ";
    } catch (IOException e) {
      throw new IllegalArgumentException("API_TOKEN is not set and API_TOKEN_FILE " + file + " cannot be used ("
        + e.getMessage() + "): set API_TOKEN, or API_TOKEN_FILE to a writable path", e);
    }
  }

  /** The first 8 hex digits of the SHA-256 of a secret: identifies it in logs without revealing it. */
  public static String fingerprint(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void readPem(JsonObject c, String fileKey, String pemKey) {
    String file = str(c, fileKey, "");
    if (!file.isEmpty() && str(c, pemKey, "").isEmpty()) {
      try {
        c.put(pemKey, Files.readString(Path.of(file)));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + fileKey + " " + file + ": " + e.getMessage(), e);
      }
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public JWTAuth jwtAuth(Vertx vertx) {
    JWTAuthOptions options = new JWTAuthOptions()
      .setJWTOptions(new JWTOptions().setIssuer(issuer).setAlgorithm(algorithm).setLeeway(leewaySeconds));
    if (algorithm.startsWith("HS")) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(secret));
    } else {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(publicKeyPem));
      if (!privateKeyPem.isEmpty()) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(privateKeyPem));
      }
    }
    return JWTAuth.create(vertx, options);
  }

  /** Constant-time comparison with the configured API token. */
  public boolean isApiToken(String candidate) {
    return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8),
      apiToken.getBytes(StandardCharsets.UTF_8));
  }
}
