package com.favoriteproducts.product;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("in-process product cache")
class LocalCacheTest {

  final AtomicLong now = new AtomicLong(1_000_000);

  /** The cache's ids are UUID strings (products.get normalizes them so): one per name. */
  private static String id(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static JsonObject answer(String id) {
    return new JsonObject().put("id", id);
  }

  @Test
  @DisplayName("an entry lives for the TTL, and never past the moment it stops being fresh")
  void expiry() {
    LocalCache c = new LocalCache(10, 2000, now::get);
    c.put(id("a"), answer("a"), Long.MAX_VALUE);
    c.put(id("b"), answer("b"), now.get() + 500);
    assertThat(c.get(id("a"))).isEqualTo(answer("a"));
    assertThat(c.get(id("b"))).isEqualTo(answer("b"));
    now.addAndGet(500);
    assertThat(c.get(id("b"))).isNull();
    assertThat(c.get(id("a"))).isNotNull();
    now.addAndGet(1500);
    assertThat(c.get(id("a"))).isNull();
    assertThat(c.size()).isZero();
    c.put(id("c"), answer("c"), now.get() - 1);
    assertThat(c.get(id("c"))).as("already stale: not kept").isNull();
  }

  @Test
  @DisplayName("entries put together expire spread over the last fifth of the TTL, never after it nor past freshness")
  void jitteredExpiry() {
    LocalCache c = new LocalCache(10_000, 10_000, com.favoriteproducts.Ttl.JITTER, now::get);
    long t0 = now.get();
    for (int i = 0; i < 2000; i++) {
      c.put(id("k" + i), answer("k" + i), i == 0 ? t0 + 100 : Long.MAX_VALUE);
    }
    now.set(t0 + 100);
    assertThat(c.get(id("k0"))).as("never past its freshness").isNull();
    now.set(t0 + 7_999);
    int early = 0;
    for (int i = 1; i < 2000; i++) {
      early += c.get(id("k" + i)) != null ? 1 : 0;
    }
    now.set(t0 + 9_000);
    int late = 0;
    for (int i = 1; i < 2000; i++) {
      late += c.get(id("k" + i)) != null ? 1 : 0;
    }
    assertThat(early).isEqualTo(1999);
    assertThat(late).as("about half live at 0.9 x TTL").isBetween(600, 1400);
    now.set(t0 + 10_000);
    for (int i = 1; i < 2000; i++) {
      assertThat(c.get(id("k" + i))).isNull();
    }
  }

  @Test
  @DisplayName("bounded: an eighth over the bound, the entries closest to expiry go, down to an eighth under")
  void bounded() {
    LocalCache c = new LocalCache(16, 60_000, now::get);
    for (int i = 0; i < 18; i++) {
      c.put(id("k" + i), answer("k" + i), Long.MAX_VALUE);
      now.addAndGet(10);
    }
    assertThat(c.size()).as("16 + 2 is the slack: nothing evicted yet").isEqualTo(18);
    c.put(id("k18"), answer("k18"), Long.MAX_VALUE);
    assertThat(c.size()).isEqualTo(14);
    for (int i = 0; i < 5; i++) {
      assertThat(c.get(id("k" + i))).as("k%d was among the closest to expiry", i).isNull();
    }
    for (int i = 5; i <= 18; i++) {
      assertThat(c.get(id("k" + i))).as("k%d kept", i).isNotNull();
    }
    c.put(id("short"), answer("short"), now.get() + 5);
    now.addAndGet(5);
    assertThat(c.get(id("short"))).as("expired on its freshness").isNull();
  }

  @Test
  @DisplayName("size 0 or TTL 0 turns it off")
  void off() {
    for (LocalCache c : new LocalCache[] {new LocalCache(0, 2000, now::get), new LocalCache(10, 0, now::get)}) {
      c.put(id("a"), answer("a"), Long.MAX_VALUE);
      assertThat(c.get(id("a"))).isNull();
      assertThat(c.enabled()).isFalse();
    }
  }

  @Test
  @DisplayName("a list finds by UUID what products.get put by its id's text; an id that is not a UUID is not kept")
  void byUuid() {
    LocalCache c = new LocalCache(10, 2000, now::get);
    UUID p = UUID.randomUUID();
    c.put(p.toString(), new JsonObject().put("id", p.toString()).put("title", "T").put("price", 2.5)
      .put("availability", "AVAILABLE"), Long.MAX_VALUE);
    assertThat(c.view(p)).isNotNull();
    assertThat(c.view(p).title()).isEqualTo("T");
    assertThat(c.view(new UUID(p.getMostSignificantBits(), p.getLeastSignificantBits()))).as("equal, not same").isNotNull();
    assertThat(c.view(UUID.randomUUID())).isNull();
    c.put("not-a-uuid", answer("not-a-uuid"), Long.MAX_VALUE);
    assertThat(c.get("not-a-uuid")).isNull();
    assertThat(c.size()).isEqualTo(1);
  }
}
