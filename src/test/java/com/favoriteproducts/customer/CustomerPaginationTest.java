package com.favoriteproducts.customer;

import com.favoriteproducts.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("customer listing: keyset pagination and email lookup")
class CustomerPaginationTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();
  static String admin;

  @BeforeAll
  static void start() {
    admin = app.adminToken();
  }

  @BeforeEach
  void empty() {
    await(app.db.query("TRUNCATE customers CASCADE").execute());
  }

  private JsonObject page(String query) {
    HttpResponse<Buffer> r = await(app.http.get("/v1/customers" + query).bearerTokenAuthentication(admin).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("pages walk every customer once, in creation order, while more rows are inserted between pages")
  void pagesWhileInserting() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      created.add(app.createCustomer(admin).getString("id"));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject p = page("?limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
      p.getJsonArray("items").forEach(o -> seen.add(((JsonObject) o).getString("id")));
      assertThat(p.getJsonArray("items").size()).isLessThanOrEqualTo(7);
      cursor = p.getString("nextCursor");
      pages++;
      if (pages <= 2) {
        // rows added while paging land after the cursor, never shift the pages already read
        created.add(app.createCustomer(admin).getString("id"));
      }
    } while (cursor != null && pages < 20);
    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen); // no duplicates
    assertThat(seen).isEqualTo(created);                  // no gaps, creation order
    assertThat(pages).isEqualTo(4);
  }

  @Test
  @DisplayName("default limit is 20; the last page has a null nextCursor")
  void defaults() {
    for (int i = 0; i < 21; i++) {
      app.createCustomer(admin);
    }
    JsonObject first = page("");
    assertThat(first.getJsonArray("items").size()).isEqualTo(20);
    assertThat(first.getString("nextCursor")).isNotNull();
    JsonObject second = page("?cursor=" + first.getString("nextCursor"));
    assertThat(second.getJsonArray("items").size()).isEqualTo(1);
    assertThat(second.getValue("nextCursor")).isNull();
    assertThat(second.containsKey("nextCursor")).isTrue();
    JsonObject item = second.getJsonArray("items").getJsonObject(0);
    assertThat(item.fieldNames()).containsExactlyInAnyOrder("id", "name", "email", "createdAt", "updatedAt");
  }

  @Test
  @DisplayName("email= finds the one customer, case-insensitively; an unknown email gives no item")
  void byEmail() {
    JsonObject c = app.createCustomer(admin);
    app.createCustomer(admin);
    JsonObject p = page("?email=" + c.getString("email").toUpperCase());
    assertThat(p.getJsonArray("items").size()).isEqualTo(1);
    assertThat(p.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(c.getString("id"));
    assertThat(page("?email=nobody@example.com").getJsonArray("items").size()).isZero();
  }

  @Test
  @DisplayName("an empty table gives an empty page")
  void emptyTable() {
    JsonObject p = page("?limit=5");
    assertThat(p.getJsonArray("items").size()).isZero();
    assertThat(p.getValue("nextCursor")).isNull();
  }
}
