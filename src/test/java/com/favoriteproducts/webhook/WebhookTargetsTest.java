package com.favoriteproducts.webhook;

import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Problems;
import com.favoriteproducts.support.WebhookReceiver;
import io.vertx.sqlclient.Tuple;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("webhook targets: with WEBHOOKS_ALLOW_PRIVATE_TARGETS=false, non-public addresses are refused (SSRF)")
class WebhookTargetsTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("WEBHOOKS_ALLOW_PRIVATE_TARGETS", false));

  private Webhooks hooks;

  @BeforeEach
  void setUp() {
    hooks = new Webhooks(app);
  }

  @AfterEach
  void cleanUp() {
    hooks.deleteAll();
  }

  @Test
  @DisplayName("loopback, localhost, ::1, private, link-local (metadata), mapped and CGNAT targets get 400 naming url")
  void refusedAtCreate() {
    for (String url : List.of("http://127.0.0.1:" + TestApp.freePort() + "/h", "http://localhost/", "http://[::1]/",
      "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data", "http://192.168.1.1/", "http://172.16.5.4/",
      "http://100.64.0.1/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "http://[fe80::1]/",
      "http://224.0.0.1/", "http://2130706433/", "https://127.1/")) {
      JsonObject p = Problems.assertProblem(hooks.create(new JsonObject().put("url", url)
        .put("events", new JsonArray().add("favorite.added"))), 400);
      assertThat(p.getJsonArray("errors").getJsonObject(0).getString("field")).as(url).isEqualTo("url");
    }
    assertThat(hooks.get("/v1/admin/webhooks").bodyAsJsonObject().getJsonArray("items").encode())
      .doesNotContain("127.0.0.1").doesNotContain("169.254");
  }

  @Test
  @DisplayName("the check is made again at delivery: a stored loopback target (as if its DNS changed) gets no request")
  void refusedAtDelivery() {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      UUID id = UUID.randomUUID();
      await(app.db.preparedQuery("INSERT INTO webhooks (id, url, events, secret) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(id, receiver.url(), new String[] {"favorite.added"}, Signatures.newSecret())));
      try {
        FavoritesClient client = FavoritesClient.of(app);
        String customer = client.newCustomer();
        client.addNow(customer, app.fakeProducts.newProduct().getString("id"));
        Eventually.until(10_000, "the first attempt refused", () -> client.count("SELECT count(*) FROM"
          + " webhook_deliveries WHERE webhook_id = $1 AND attempts >= 1 AND last_error LIKE 'target refused%'", id) == 1);
        assertThat(receiver.received()).isEmpty();
      } finally {
        hooks.delete(id.toString());
      }
    }
  }

  @Test
  @DisplayName("the address checks: public addresses pass, every non-public range is named")
  void addressRules() throws Exception {
    for (String ok : List.of("93.184.215.14", "8.8.8.8", "2606:4700::1111", "100.128.0.1", "172.32.0.1")) {
      assertThat(Targets.refusal(InetAddress.getByName(ok))).as(ok).isNull();
    }
    for (String bad : List.of("127.0.0.1", "::1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.169.254",
      "fe80::1", "fc00::1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "100.64.0.1", "100.127.255.255",
      "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::", "255.255.255.255", "198.18.0.1")) {
      assertThat(Targets.refusal(InetAddress.getByName(bad))).as(bad).isNotNull();
    }
    assertThat(Targets.parse("https://Example.com:8443/a/b?c=d").authority()).isEqualTo("example.com:8443");
    assertThat(Targets.parse("http://example.com").requestUri()).isEqualTo("/");
  }
}
