package com.favoriteproducts.webhook;

import com.favoriteproducts.support.FavoritesClient;
import com.favoriteproducts.support.Problems;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("webhooks admin API: create, list, get, delete, rotate, deliveries; admin only; validated")
class WebhooksApiTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass(c -> c.put("WEBHOOKS_POLL_MS", 200));
  private FavoritesClient client;
  private Webhooks hooks;

  @BeforeEach
  void hooks() {
    client = FavoritesClient.of(app);
    hooks = new Webhooks(app);
  }

  @AfterEach
  void cleanUp() {
    hooks.deleteAll();
  }

  private static final JsonArray BOTH = new JsonArray().add("favorite.added").add("favorite.removed");

  @Test
  @DisplayName("create answers 201 with the webhook and a whsec_ secret of 32 random bytes; get and list never show it")
  void createGetList() {
    HttpResponse<Buffer> r = hooks.create(new JsonObject().put("url", "https://example.com/hooks?x=1")
      .put("events", new JsonArray().add("favorite.added")).put("description", "  Partner A  "));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject w = r.bodyAsJsonObject();
    String id = w.getString("id");
    assertThat(r.getHeader("Location")).isEqualTo("/v1/admin/webhooks/" + id);
    assertThat(w.getString("url")).isEqualTo("https://example.com/hooks?x=1");
    assertThat(w.getJsonArray("events")).containsExactly("favorite.added");
    assertThat(w.getString("description")).isEqualTo("Partner A");
    assertThat(w.getString("createdAt")).isNotBlank();
    String secret = w.getString("secret");
    assertThat(secret).startsWith("whsec_");
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(hooks.register("http://example.org/other").getString("secret")).isNotEqualTo(secret);

    HttpResponse<Buffer> got = hooks.get("/v1/admin/webhooks/" + id);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.bodyAsJsonObject().containsKey("secret")).isFalse();
    assertThat(got.bodyAsJsonObject().getString("url")).isEqualTo(w.getString("url"));
    assertThat(got.bodyAsString()).doesNotContain(secret.substring(6));

    HttpResponse<Buffer> list = hooks.get("/v1/admin/webhooks");
    assertThat(list.statusCode()).isEqualTo(200);
    JsonArray items = list.bodyAsJsonObject().getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);
    assertThat(list.bodyAsString()).doesNotContain("whsec_").doesNotContain("secret");
  }

  @Test
  @DisplayName("delete answers 204, then 404; the webhook's pending deliveries are gone with it")
  void delete() {
    String id = hooks.register("http://127.0.0.1:9/nobody").getString("id"); // discard port: never answers 2xx
    String customer = client.newCustomer();
    client.addNow(customer, app.fakeProducts.newProduct().getString("id"));
    assertThat(client.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1", UUID.fromString(id)))
      .isEqualTo(1);
    assertThat(hooks.delete(id).statusCode()).isEqualTo(204);
    Problems.assertProblem(hooks.delete(id), 404);
    Problems.assertProblem(hooks.get("/v1/admin/webhooks/" + id), 404);
    Problems.assertProblem(hooks.get("/v1/admin/webhooks/" + id + "/deliveries"), 404);
    assertThat(client.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1", UUID.fromString(id)))
      .isZero();
  }

  @Test
  @DisplayName("rotate-secret answers a new secret, shown once; the old one is kept only as the previous secret")
  void rotate() {
    JsonObject w = hooks.register("http://example.com/h");
    String id = w.getString("id");
    HttpResponse<Buffer> r = hooks.rotate(id);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String fresh = r.bodyAsJsonObject().getString("secret");
    assertThat(fresh).startsWith("whsec_").isNotEqualTo(w.getString("secret"));
    assertThat(Base64.getDecoder().decode(fresh.substring(6))).hasSize(32);
    assertThat(r.bodyAsJsonObject().getString("rotatedAt")).isNotBlank();
    HttpResponse<Buffer> got = hooks.get("/v1/admin/webhooks/" + id);
    assertThat(got.bodyAsString()).doesNotContain(fresh.substring(6)).doesNotContain(w.getString("secret").substring(6));
    var row = await(app.db.preparedQuery("SELECT secret, previous_secret, previous_secret_until > now() FROM webhooks"
      + " WHERE id = $1").execute(Tuple.of(UUID.fromString(id)))).iterator().next();
    assertThat(row.getString(0)).isEqualTo(fresh);
    assertThat(row.getString(1)).isEqualTo(w.getString("secret"));
    assertThat(row.getBoolean(2)).isTrue();
    Problems.assertProblem(hooks.rotate(UUID.randomUUID().toString()), 404);
  }

  @Test
  @DisplayName("a customer token gets 403 on every webhook operation")
  void customerForbidden() {
    String customer = client.newCustomer();
    String token = app.customerToken(customer);
    String id = hooks.register("http://example.com/h").getString("id");
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    answers.add(await(app.http.post("/v1/admin/webhooks").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("url", "http://example.com/x").put("events", BOTH))));
    answers.add(await(app.http.get("/v1/admin/webhooks").bearerTokenAuthentication(token).send()));
    answers.add(await(app.http.get("/v1/admin/webhooks/" + id).bearerTokenAuthentication(token).send()));
    answers.add(await(app.http.delete("/v1/admin/webhooks/" + id).bearerTokenAuthentication(token).send()));
    answers.add(await(app.http.post("/v1/admin/webhooks/" + id + "/rotate-secret").bearerTokenAuthentication(token).send()));
    answers.add(await(app.http.get("/v1/admin/webhooks/" + id + "/deliveries").bearerTokenAuthentication(token).send()));
    answers.forEach(a -> Problems.assertProblem(a, 403));
    assertThat(hooks.get("/v1/admin/webhooks/" + id).statusCode()).isEqualTo(200);
    assertThat(await(app.http.get("/v1/admin/webhooks").send()).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("invalid input is a 400 problem naming the field: bad or non-http URL, unknown, duplicate or no events")
  void validation() {
    assertField(new JsonObject().put("url", "not a url").put("events", BOTH), "url");
    assertField(new JsonObject().put("url", "ftp://example.com/x").put("events", BOTH), "url");
    assertField(new JsonObject().put("url", "http://user:pw@example.com/x").put("events", BOTH), "url");
    assertField(new JsonObject().put("url", "http:///nohost").put("events", BOTH), "url");
    assertField(new JsonObject().put("url", "http://example.com/x").put("events", new JsonArray().add("favorite.nope")),
      "events.0");
    assertField(new JsonObject().put("url", "http://example.com/x").put("events", new JsonArray()), "events");
    assertField(new JsonObject().put("url", "http://example.com/x")
      .put("events", new JsonArray().add("favorite.added").add("favorite.added")), "events");
    assertField(new JsonObject().put("events", BOTH), "url");
    assertField(new JsonObject().put("url", "http://example.com/x").put("events", BOTH)
      .put("description", "a\u0007bell"), "description");
    assertField(new JsonObject().put("url", "http://example.com/x").put("events", BOTH)
      .put("description", "x".repeat(501)), "description");
    Problems.assertProblem(hooks.get("/v1/admin/webhooks/not-a-uuid"), 400);
    String id = hooks.register("http://example.com/h").getString("id");
    Problems.assertProblem(hooks.get("/v1/admin/webhooks/" + id + "/deliveries?status=lost"), 400);
    Problems.assertProblem(hooks.get("/v1/admin/webhooks/" + id + "/deliveries?cursor=bogus"), 400);
    Problems.assertProblem(hooks.get("/v1/admin/webhooks/" + id + "/deliveries?limit=0"), 400);
  }

  private void assertField(JsonObject body, String field) {
    HttpResponse<Buffer> r = hooks.create(body);
    JsonObject p = Problems.assertProblem(r, 400);
    Set<String> fields = new HashSet<>();
    p.getJsonArray("errors", new JsonArray()).forEach(e -> fields.add(((JsonObject) e).getString("field")));
    assertThat(fields).as(body.encode() + " -> " + r.bodyAsString()).anyMatch(f -> f.startsWith(field));
  }

  @Test
  @DisplayName("deliveries lists a webhook's deliveries newest first, by status, in pages with a cursor")
  void deliveries() {
    String id = hooks.register("http://127.0.0.1:9/nobody").getString("id");
    String customer = client.newCustomer();
    List<String> products = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      products.add(app.fakeProducts.newProduct().getString("id"));
      client.addNow(customer, products.get(i));
    }
    JsonArray all = hooks.deliveries(id, null);
    assertThat(all).hasSize(3);
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("productId")).toList())
      .containsExactly(products.get(2), products.get(1), products.get(0));
    JsonObject d = all.getJsonObject(0);
    assertThat(d.getString("webhookId")).isEqualTo(id);
    assertThat(d.getString("eventType")).isEqualTo("favorite.added");
    assertThat(d.getString("customerId")).isEqualTo(customer);
    assertThat(d.getString("status")).isEqualTo("pending");
    assertThat(UUID.fromString(d.getString("eventId"))).isNotNull();
    assertThat(hooks.deliveries(id, "status=pending")).hasSize(3);
    assertThat(hooks.deliveries(id, "status=delivered")).isEmpty();
    HttpResponse<Buffer> page = hooks.get("/v1/admin/webhooks/" + id + "/deliveries?limit=2");
    assertThat(page.bodyAsJsonObject().getJsonArray("items")).hasSize(2);
    String cursor = page.bodyAsJsonObject().getString("nextCursor");
    assertThat(cursor).isNotNull();
    HttpResponse<Buffer> next = hooks.get("/v1/admin/webhooks/" + id + "/deliveries?limit=2&cursor=" + cursor);
    assertThat(next.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(next.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("productId"))
      .isEqualTo(products.get(0));
    assertThat(next.bodyAsJsonObject().getValue("nextCursor")).isNull();
  }
}
