package com.favoriteproducts.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver's check of a Standard Webhooks delivery, written from the specification and independent of the service's
 * code: the key is the base64 after {@code whsec_}; the signed content {@code <webhook-id>.<webhook-timestamp>.<body>};
 * {@code webhook-signature} a space-separated list of {@code v1,<base64 HMAC-SHA256>}, one of which must match
 * (constant-time compare); the timestamp within 5 minutes of now.
 */
public final class StandardWebhooks {

  private StandardWebhooks() {
  }

  /** Whether one of the delivery's signatures is the secret's (and the headers are well formed and fresh). */
  public static boolean verifies(String secret, WebhookReceiver.Received r) {
    assertThat(r.webhookId()).as("webhook-id").isNotBlank();
    assertThat(r.timestamp()).as("webhook-timestamp").matches("\\d+");
    assertThat(r.signature()).as("webhook-signature").isNotBlank();
    long ts = Long.parseLong(r.timestamp());
    assertThat(Math.abs(Instant.now().getEpochSecond() - ts)).as("timestamp tolerance").isLessThanOrEqualTo(300);
    try {
      assertThat(secret).startsWith("whsec_");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      byte[] expected = mac.doFinal((r.webhookId() + "." + r.timestamp() + "." + r.body().toString(StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));
      for (String sig : r.signature().split(" ")) {
        String[] parts = sig.split(",", 2);
        if (parts.length == 2 && parts[0].equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
          return true;
        }
      }
      return false;
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
