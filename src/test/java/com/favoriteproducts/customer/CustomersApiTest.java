package com.favoriteproducts.customer;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.favoriteproducts.support.Problems.assertProblem;
import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("customers API")
class CustomersApiTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  private static String freshEmail() {
    return "u-" + UUID.randomUUID() + "@Example.COM";
  }

  private HttpResponse<Buffer> create(String name, String email) {
    return await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", name).put("email", email)));
  }

  private Row stored(String id) {
    var rows = await(app.db.preparedQuery("SELECT name, email, version FROM customers WHERE id = $1")
      .execute(Tuple.of(UUID.fromString(id))));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  @Test
  @DisplayName("create returns 201 with Location, ETag and the stored customer (name trimmed, email lower-cased)")
  void create() {
    String email = freshEmail();
    HttpResponse<Buffer> r = create("  Maria Silva  ", email);
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject body = r.bodyAsJsonObject();
    String id = body.getString("id");
    assertThat(UUID.fromString(id)).isNotNull();
    assertThat(r.getHeader("Location")).isEqualTo("/v1/customers/" + id);
    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    assertThat(body.getString("name")).isEqualTo("Maria Silva");
    assertThat(body.getString("email")).isEqualTo(email.toLowerCase());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "name", "email", "createdAt", "updatedAt");
    Row row = stored(id);
    assertThat(row.getString("name")).isEqualTo("Maria Silva");
    assertThat(row.getString("email")).isEqualTo(email.toLowerCase());
  }

  @Test
  @DisplayName("a second customer with the same email in another case gets 409 and nothing is stored")
  void duplicateEmail() {
    String email = freshEmail();
    assertThat(create("First", email).statusCode()).isEqualTo(201);
    HttpResponse<Buffer> r = create("Second", email.toUpperCase());
    assertProblem(r, 409);
    var rows = await(app.db.preparedQuery("SELECT name FROM customers WHERE email = $1").execute(Tuple.of(email.toLowerCase())));
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.iterator().next().getString("name")).isEqualTo("First");
  }

  @Test
  @DisplayName("24 concurrent creates of one email give exactly one 201 and 23 409s")
  void concurrentCreates() {
    String email = freshEmail();
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String e = i % 2 == 0 ? email : email.toLowerCase();
      all.add(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "Racer " + i).put("email", e)));
    }
    await(Future.join(all));
    long created = all.stream().filter(f -> f.result().statusCode() == 201).count();
    long conflicts = all.stream().filter(f -> f.result().statusCode() == 409).count();
    assertThat(created).isEqualTo(1);
    assertThat(conflicts).isEqualTo(23);
    var rows = await(app.db.preparedQuery("SELECT count(*) FROM customers WHERE lower(email) = lower($1)").execute(Tuple.of(email)));
    assertThat(rows.iterator().next().getLong(0)).isEqualTo(1L);
  }

  @Test
  @DisplayName("read returns 200 with an ETag, and If-None-Match with that ETag gives 304")
  void readAndConditionalRead() {
    JsonObject c = app.createCustomer(admin);
    HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + c.getString("id")).bearerTokenAuthentication(admin).send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject()).isEqualTo(c);
    String etag = r.getHeader("ETag");
    assertThat(etag).isEqualTo("\"1\"");
    HttpResponse<Buffer> again = await(app.http.get("/v1/customers/" + c.getString("id")).bearerTokenAuthentication(admin)
      .putHeader("If-None-Match", etag).send());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isNull();
    HttpResponse<Buffer> stale = await(app.http.get("/v1/customers/" + c.getString("id")).bearerTokenAuthentication(admin)
      .putHeader("If-None-Match", "\"0\"").send());
    assertThat(stale.statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("unknown id gives 404 problem; a malformed id gives 400 naming the id")
  void unknownAndMalformedIds() {
    HttpResponse<Buffer> r = await(app.http.get("/v1/customers/" + UUID.randomUUID()).bearerTokenAuthentication(admin).send());
    assertProblem(r, 404);
    HttpResponse<Buffer> bad = await(app.http.get("/v1/customers/not-a-uuid").bearerTokenAuthentication(admin).send());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("id");
    for (String method : List.of("PUT", "PATCH", "DELETE")) {
      HttpResponse<Buffer> m = await(app.http.request(io.vertx.core.http.HttpMethod.valueOf(method), "/v1/customers/xyz")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("name", "a")));
      assertThat(m.statusCode()).as(method).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("PUT replaces name and email, bumps the ETag and stores the change")
  void replace() {
    JsonObject c = app.createCustomer(admin);
    String id = c.getString("id");
    String email = freshEmail();
    HttpResponse<Buffer> r = await(app.http.put("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("name", " New Name ").put("email", email)));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(r.bodyAsJsonObject().getString("name")).isEqualTo("New Name");
    assertThat(r.bodyAsJsonObject().getString("createdAt")).isEqualTo(c.getString("createdAt"));
    Row row = stored(id);
    assertThat(row.getString("email")).isEqualTo(email.toLowerCase());
    assertThat(row.getInteger("version")).isEqualTo(2);
  }

  @Test
  @DisplayName("PUT without a field gets 400 naming it, and the stored customer is unchanged")
  void replaceNeedsBothFields() {
    JsonObject c = app.createCustomer(admin);
    HttpResponse<Buffer> r = await(app.http.put("/v1/customers/" + c.getString("id")).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "Only Name")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("email");
    assertThat(stored(c.getString("id")).getString("name")).isEqualTo(c.getString("name"));
  }

  @Test
  @DisplayName("PATCH with application/merge-patch+json or application/json changes only the given field")
  void patch() {
    JsonObject c = app.createCustomer(admin);
    String id = c.getString("id");
    HttpResponse<Buffer> r = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .putHeader("Content-Type", "application/merge-patch+json")
      .sendBuffer(Buffer.buffer(new JsonObject().put("name", "Patched").encode())));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("name")).isEqualTo("Patched");
    assertThat(r.bodyAsJsonObject().getString("email")).isEqualTo(c.getString("email"));
    String email = freshEmail();
    HttpResponse<Buffer> r2 = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("email", email)));
    assertThat(r2.statusCode()).isEqualTo(200);
    assertThat(r2.getHeader("ETag")).isEqualTo("\"3\"");
    Row row = stored(id);
    assertThat(row.getString("name")).isEqualTo("Patched");
    assertThat(row.getString("email")).isEqualTo(email.toLowerCase());
  }

  @Test
  @DisplayName("PATCH that empties the name, or an empty patch, gets 400 and changes nothing")
  void patchValidation() {
    JsonObject c = app.createCustomer(admin);
    String id = c.getString("id");
    HttpResponse<Buffer> blank = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "   ")));
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(blank.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("name");
    HttpResponse<Buffer> empty = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject()));
    assertThat(empty.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> nulled = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().putNull("email")));
    assertThat(nulled.statusCode()).isEqualTo(400);
    assertThat(stored(id).getInteger("version")).isEqualTo(1);
  }

  @Test
  @DisplayName("a stale If-Match gets 412 on PUT, PATCH and DELETE, and nothing changes")
  void staleIfMatch() {
    JsonObject c = app.createCustomer(admin);
    String id = c.getString("id");
    assertThat(await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "v2"))).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> put = await(app.http.put("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("name", "x").put("email", freshEmail())));
    assertProblem(put, 412);
    HttpResponse<Buffer> patch = await(app.http.patch("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .putHeader("If-Match", "\"1\"").sendJsonObject(new JsonObject().put("name", "y")));
    assertThat(patch.statusCode()).isEqualTo(412);
    HttpResponse<Buffer> del = await(app.http.delete("/v1/customers/" + id).bearerTokenAuthentication(admin)
      .putHeader("If-Match", "\"1\"").send());
    assertThat(del.statusCode()).isEqualTo(412);
    Row row = stored(id);
    assertThat(row.getString("name")).isEqualTo("v2");
    assertThat(row.getInteger("version")).isEqualTo(2);
  }

  @Test
  @DisplayName("changing the email to one another customer has gives 409 and keeps both customers as they were")
  void updateToTakenEmail() {
    JsonObject a = app.createCustomer(admin);
    JsonObject b = app.createCustomer(admin);
    HttpResponse<Buffer> r = await(app.http.patch("/v1/customers/" + b.getString("id")).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("email", a.getString("email").toUpperCase())));
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(stored(b.getString("id")).getString("email")).isEqualTo(b.getString("email"));
  }

  @Test
  @DisplayName("DELETE gives 204, then the customer is gone (404) and the row removed; unknown gives 404")
  void delete() {
    JsonObject c = app.createCustomer(admin);
    String id = c.getString("id");
    HttpResponse<Buffer> r = await(app.http.delete("/v1/customers/" + id).bearerTokenAuthentication(admin).send());
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(stored(id)).isNull();
    assertThat(await(app.http.get("/v1/customers/" + id).bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(404);
    assertThat(await(app.http.delete("/v1/customers/" + id).bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("invalid bodies get 400 with one error per offending field, never a 5xx")
  void validation() {
    HttpResponse<Buffer> r = await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", "").put("email", "not-an-email").put("role", "admin")));
    assertProblem(r, 400);
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("type")).isEqualTo("/problems/validation-error");
    assertThat(p.getString("title")).isEqualTo("Bad Request");
    assertThat(p.getInteger("status")).isEqualTo(400);
    List<String> fields = p.getJsonArray("errors").stream().map(o -> ((JsonObject) o).getString("field")).toList();
    assertThat(fields).contains("name", "email", "role");

    String tooLong = "x".repeat(201);
    assertThat(create(tooLong, freshEmail()).statusCode()).isEqualTo(400);
    assertThat(create("ok", "a".repeat(310) + "@example.com").statusCode()).isEqualTo(400);
    assertThat(create("   ", freshEmail()).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> wrongType = await(app.http.post("/v1/customers").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("name", 42).put("email", freshEmail())));
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("name");
  }
}
