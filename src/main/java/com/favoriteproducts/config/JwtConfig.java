package com.favoriteproducts.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

import static com.favoriteproducts.config.AppConfig.integer;
import static com.favoriteproducts.config.AppConfig.str;


/**
 * JWT and API-token settings. HS256 with {@code JWT_SECRET} by default; RS256/ES256 with PEM keys from
 * {@code JWT_PRIVATE_KEY_FILE} (to sign) and {@code JWT_PUBLIC_KEY_FILE} (to verify).
 */
public record JwtConfig(String algorithm, String secret, String privateKeyPem, String publicKeyPem, String issuer,
                          int ttlSeconds, String apiToken) {

  public static JwtConfig from(JsonObject c) {
    return new JwtConfig(str(c, "JWT_ALGORITHM", "HS256").toUpperCase(Locale.ROOT), str(c, "JWT_SECRET", ""),
      str(c, "JWT_PRIVATE_KEY_PEM", ""), str(c, "JWT_PUBLIC_KEY_PEM", ""), str(c, "JWT_ISSUER", "favorite-products"),
      integer(c, "JWT_TTL_SECONDS", 3600), str(c, "API_TOKEN", ""));
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
    } else {
      readPem(c, "JWT_PRIVATE_KEY_FILE", "JWT_PRIVATE_KEY_PEM");
      readPem(c, "JWT_PUBLIC_KEY_FILE", "JWT_PUBLIC_KEY_PEM");
      if (str(c, "JWT_PUBLIC_KEY_PEM", "").isEmpty()) {
        throw new IllegalArgumentException("JWT_ALGORITHM " + alg + " needs JWT_PUBLIC_KEY_FILE (and JWT_PRIVATE_KEY_FILE to issue tokens)");
      }
    }
    if (str(c, "API_TOKEN", "").isEmpty()) {
      String token = random(24);
      c.put("API_TOKEN", token);
      notes.append("API_TOKEN is not set: generated one for this process: ").append(token);
    }
    return notes.toString();
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
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(issuer).setAlgorithm(algorithm));
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
    return candidate != null && MessageDigest.isEqual(candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8),
      apiToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
