package com.favoriteproducts.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import static com.favoriteproducts.config.AppConfig.bool;
import static com.favoriteproducts.config.AppConfig.str;

/**
 * Mutual TLS on the clustered event bus (EVENTBUS_TLS* keys; docs/security.md, README "Cluster security"). With
 * {@code enabled}, every node presents its own certificate and accepts only peers whose certificate is signed by the
 * configured CA, in both directions (a node's event-bus server requires a client certificate; its client refuses a
 * server certificate it does not trust).
 *
 * <p>The node's identity is either PEM ({@code cert} + {@code key}) or PKCS#12 ({@code keystore}); the trust is either
 * a PEM CA file ({@code ca}, which may hold several CAs: rotation) or a PKCS#12 trust store ({@code truststore}).
 * Exactly one of each is required when enabled; {@link #from} refuses anything else with a message naming the keys,
 * and refuses files that are missing, unreadable or not what they claim to be, so a node never starts half-secured.
 *
 * @param enabled            EVENTBUS_TLS
 * @param cert               EVENTBUS_TLS_CERT: the node's certificate (PEM; may be followed by intermediates)
 * @param key                EVENTBUS_TLS_KEY: its private key (PEM, PKCS#8 or PKCS#1, not encrypted)
 * @param ca                 EVENTBUS_TLS_CA: the CA certificate(s) a peer's certificate must chain to (PEM)
 * @param keystore           EVENTBUS_TLS_KEYSTORE: PKCS#12 file with the node's key and certificate
 * @param keystorePassword   EVENTBUS_TLS_KEYSTORE_PASSWORD
 * @param truststore         EVENTBUS_TLS_TRUSTSTORE: PKCS#12 file with the CA certificate(s)
 * @param truststorePassword EVENTBUS_TLS_TRUSTSTORE_PASSWORD
 */
public record EventBusTlsConfig(boolean enabled, String cert, String key, String ca, String keystore,
                                String keystorePassword, String truststore, String truststorePassword) {

  public static final String PEM_KEYS = "EVENTBUS_TLS_CERT and EVENTBUS_TLS_KEY";
  public static final String P12_KEY = "EVENTBUS_TLS_KEYSTORE";

  public static EventBusTlsConfig from(JsonObject c) {
    EventBusTlsConfig tls = new EventBusTlsConfig(bool(c, "EVENTBUS_TLS", false), str(c, "EVENTBUS_TLS_CERT", ""),
      str(c, "EVENTBUS_TLS_KEY", ""), str(c, "EVENTBUS_TLS_CA", ""), str(c, "EVENTBUS_TLS_KEYSTORE", ""),
      str(c, "EVENTBUS_TLS_KEYSTORE_PASSWORD", ""), str(c, "EVENTBUS_TLS_TRUSTSTORE", ""),
      str(c, "EVENTBUS_TLS_TRUSTSTORE_PASSWORD", ""));
    if (tls.enabled) {
      tls.check();
    }
    return tls;
  }

  /** PEM identity (else PKCS#12). */
  public boolean pemIdentity() {
    return !cert.isEmpty();
  }

  /** PEM trust (else PKCS#12). */
  public boolean pemTrust() {
    return !ca.isEmpty();
  }

  /** The keys that are set although EVENTBUS_TLS is off (they do nothing: worth a warning). */
  public List<String> ignoredKeys() {
    List<String> set = new ArrayList<>();
    if (!enabled) {
      addIf(set, "EVENTBUS_TLS_CERT", cert);
      addIf(set, "EVENTBUS_TLS_KEY", key);
      addIf(set, "EVENTBUS_TLS_CA", ca);
      addIf(set, "EVENTBUS_TLS_KEYSTORE", keystore);
      addIf(set, "EVENTBUS_TLS_TRUSTSTORE", truststore);
    }
    return set;
  }

  private static void addIf(List<String> out, String name, String value) {
    if (!value.isEmpty()) {
      out.add(name);
    }
  }

  private void check() {
    boolean pem = !cert.isEmpty() || !key.isEmpty();
    if (pem && !keystore.isEmpty()) {
      throw bad("EVENTBUS_TLS=true takes the node's key and certificate either as PEM (" + PEM_KEYS + ") or as "
        + "PKCS#12 (" + P12_KEY + "), not both");
    }
    if (!pem && keystore.isEmpty()) {
      throw bad("EVENTBUS_TLS=true needs the node's key and certificate: " + PEM_KEYS + " (PEM files) or "
        + P12_KEY + " (PKCS#12, with EVENTBUS_TLS_KEYSTORE_PASSWORD)");
    }
    if (pem && (cert.isEmpty() || key.isEmpty())) {
      throw bad("EVENTBUS_TLS=true with PEM needs both " + PEM_KEYS + "; "
        + (cert.isEmpty() ? "EVENTBUS_TLS_CERT" : "EVENTBUS_TLS_KEY") + " is not set");
    }
    if (!ca.isEmpty() && !truststore.isEmpty()) {
      throw bad("EVENTBUS_TLS=true takes the trusted CA either as PEM (EVENTBUS_TLS_CA) or as PKCS#12 "
        + "(EVENTBUS_TLS_TRUSTSTORE), not both");
    }
    if (ca.isEmpty() && truststore.isEmpty()) {
      throw bad("EVENTBUS_TLS=true needs the cluster CA that peers' certificates must be signed by: EVENTBUS_TLS_CA "
        + "(PEM file) or EVENTBUS_TLS_TRUSTSTORE (PKCS#12, with EVENTBUS_TLS_TRUSTSTORE_PASSWORD)");
    }
    if (pem) {
      pemFile("EVENTBUS_TLS_CERT", cert, "CERTIFICATE-----");
      pemFile("EVENTBUS_TLS_KEY", key, "PRIVATE KEY-----");
      if (text("EVENTBUS_TLS_KEY", key).contains("ENCRYPTED PRIVATE KEY")) {
        throw bad("EVENTBUS_TLS_KEY " + key + " is an encrypted key; the event bus needs it unencrypted (keep the "
          + "file readable only by the service's user) or use EVENTBUS_TLS_KEYSTORE (PKCS#12 with a password)");
      }
    } else {
      pkcs12("EVENTBUS_TLS_KEYSTORE", keystore, "EVENTBUS_TLS_KEYSTORE_PASSWORD", keystorePassword, true);
    }
    if (!ca.isEmpty()) {
      pemFile("EVENTBUS_TLS_CA", ca, "CERTIFICATE-----");
    } else {
      pkcs12("EVENTBUS_TLS_TRUSTSTORE", truststore, "EVENTBUS_TLS_TRUSTSTORE_PASSWORD", truststorePassword, false);
    }
  }

  private static void pemFile(String name, String file, String marker) {
    if (!text(name, file).contains("-----BEGIN ") || !text(name, file).contains(marker)) {
      throw bad(name + " " + file + " is not a PEM file with a " + marker.replace("-----", "").toLowerCase()
        + " (-----BEGIN ..." + marker + ")");
    }
  }

  private static String text(String name, String file) {
    try {
      return Files.readString(readable(name, file));
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw bad(name + " " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static Path readable(String name, String file) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw bad(name + " " + file + " does not exist (or is not a file)");
    }
    if (!Files.isReadable(p)) {
      throw bad(name + " " + file + " is not readable by this process");
    }
    return p;
  }

  private static void pkcs12(String name, String file, String passwordName, String password, boolean needsKey) {
    Path p = readable(name, file);
    KeyStore store;
    try (InputStream in = Files.newInputStream(p)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
    } catch (IOException e) {
      throw bad(name + " " + file + " cannot be opened as PKCS#12 with " + passwordName + " (wrong password, or not "
        + "a PKCS#12 file): " + e.getMessage());
    } catch (Exception e) {
      throw bad(name + " " + file + " cannot be opened as PKCS#12: " + e.getMessage());
    }
    try {
      boolean ok = false;
      for (String alias : java.util.Collections.list(store.aliases())) {
        ok |= needsKey ? store.isKeyEntry(alias) : store.isCertificateEntry(alias);
      }
      if (!ok) {
        throw bad(name + " " + file + (needsKey ? " holds no private key" : " holds no trusted certificate (Java reads only "
          + "certificates marked trusted: make it with keytool -importcert, or openssl pkcs12 -export -nokeys "
          + "-jdktrust anyExtendedKeyUsage)"));
      }
    } catch (java.security.KeyStoreException e) {
      throw bad(name + " " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message);
  }

  @Override
  public String toString() {
    // Never the passwords.
    return "EventBusTlsConfig[enabled=" + enabled + ", cert=" + cert + ", key=" + key + ", ca=" + ca + ", keystore="
      + keystore + ", truststore=" + truststore + "]";
  }
}
