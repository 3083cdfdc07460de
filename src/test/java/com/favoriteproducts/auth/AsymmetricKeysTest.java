package com.favoriteproducts.auth;

import com.favoriteproducts.config.JwtConfig;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("JWTs signed with RS256 / ES256 keys from PEM files")
class AsymmetricKeysTest {

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"RS256, RSA", "ES256, EC"})
  @DisplayName("tokens are issued with the private key, accepted with the public one, and a token of another key pair is refused")
  void asymmetric(String algorithm, String keyType) throws Exception {
    Path dir = Files.createTempDirectory("jwt-keys");
    KeyPair pair = generate(keyType);
    Path priv = Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Path pub = Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    JsonObject config = TestApp.defaultConfig().put("VERTICLES", "http,customers").put("JWT_ALGORITHM", algorithm)
      .put("JWT_SECRET", "").put("JWT_PRIVATE_KEY_FILE", priv.toString()).put("JWT_PUBLIC_KEY_FILE", pub.toString());
    JwtConfig.prepare(config); // what Main does before deploying: reads the PEM files
    try (TestApp app = TestApp.start(config)) {
      String token = app.adminToken();
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
      assertThat(header.getString("alg")).isEqualTo(algorithm);
      String id = app.createCustomer(token).getString("id");
      assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(token).send()).statusCode()).isEqualTo(200);

      // A token signed by another key pair of the same kind is refused.
      Path dir2 = Files.createTempDirectory("jwt-keys-other");
      KeyPair other = generate(keyType);
      Path priv2 = Files.writeString(dir2.resolve("private.pem"), pem("PRIVATE KEY", other.getPrivate().getEncoded()));
      Path pub2 = Files.writeString(dir2.resolve("public.pem"), pem("PUBLIC KEY", other.getPublic().getEncoded()));
      JsonObject otherConfig = new JsonObject().put("JWT_ALGORITHM", algorithm).put("JWT_PRIVATE_KEY_FILE", priv2.toString())
        .put("JWT_PUBLIC_KEY_FILE", pub2.toString()).put("API_TOKEN", "x");
      JwtConfig.prepare(otherConfig);
      JwtConfig otherSettings = JwtConfig.from(otherConfig);
      String foreign = new TokenIssuer(otherSettings.jwtAuth(app.vertx), otherSettings).issue(null).getString("access_token");
      HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(foreign).send());
      assertThat(r.statusCode()).isEqualTo(401);
    }
  }

  private static KeyPair generate(String keyType) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(keyType);
    if (keyType.equals("EC")) {
      g.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      g.initialize(2048);
    }
    return g.generateKeyPair();
  }
}
