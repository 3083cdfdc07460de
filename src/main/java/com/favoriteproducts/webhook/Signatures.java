package com.favoriteproducts.webhook;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Standard Webhooks secrets and signatures: a secret is {@code whsec_} + base64 of 32 random bytes, the signing key
 * is those bytes, and {@code webhook-signature} is {@code v1,} + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")),
 * several space-separated while an old secret is still honoured after a rotation.
 */
public final class Signatures {

  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {
  }

  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The signing key of a secret. */
  static byte[] key(String secret) {
    return Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
  }

  /** {@code v1,<base64>} of one secret. */
  public static String sign(String secret, String id, long timestamp, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body.getBytes());
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The header value: the current secret's signature, then the previous secret's when it is still honoured. */
  public static String header(String secret, String previous, String id, long timestamp, Buffer body) {
    String current = sign(secret, id, timestamp, body);
    return previous == null ? current : current + " " + sign(previous, id, timestamp, body);
  }
}
