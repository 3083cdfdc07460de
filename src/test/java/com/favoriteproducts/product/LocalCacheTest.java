package com.favoriteproducts.product;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("in-process product cache")
class LocalCacheTest {

  final AtomicLong now = new AtomicLong(1_000_000);

  private static JsonObject answer(String id) {
    return new JsonObject().put("id", id);
  }

  @Test
  @DisplayName("an entry lives for the TTL, and never past the moment it stops being fresh")
  void expiry() {
    LocalCache c = new LocalCache(10, 2000, now::get);
    c.put("a", answer("a"), Long.MAX_VALUE);
    c.put("b", answer("b"), now.get() + 500);
    assertThat(c.get("a")).isEqualTo(answer("a"));
    assertThat(c.get("b")).isEqualTo(answer("b"));
    now.addAndGet(500);
    assertThat(c.get("b")).isNull();
    assertThat(c.get("a")).isNotNull();
    now.addAndGet(1500);
    assertThat(c.get("a")).isNull();
    assertThat(c.size()).isZero();
    c.put("c", answer("c"), now.get() - 1);
    assertThat(c.get("c")).as("already stale: not kept").isNull();
  }

  @Test
  @DisplayName("bounded: the least recently used entry goes first")
  void lru() {
    LocalCache c = new LocalCache(3, 60_000, now::get);
    for (String id : new String[] {"a", "b", "c"}) {
      c.put(id, answer(id), Long.MAX_VALUE);
    }
    c.get("a");
    c.put("d", answer("d"), Long.MAX_VALUE);
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.get("b")).isNull();
    assertThat(c.get("a")).isNotNull();
    assertThat(c.get("c")).isNotNull();
    assertThat(c.get("d")).isNotNull();
  }

  @Test
  @DisplayName("size 0 or TTL 0 turns it off")
  void off() {
    for (LocalCache c : new LocalCache[] {new LocalCache(0, 2000, now::get), new LocalCache(10, 0, now::get)}) {
      c.put("a", answer("a"), Long.MAX_VALUE);
      assertThat(c.get("a")).isNull();
      assertThat(c.enabled()).isFalse();
    }
  }
}
