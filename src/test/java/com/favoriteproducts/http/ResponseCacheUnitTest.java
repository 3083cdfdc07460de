package com.favoriteproducts.http;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("edge response cache (unit)")
class ResponseCacheUnitTest {

  private static final Buffer BODY = Buffer.buffer("{}");

  @Test
  @DisplayName("an entry is served until its TTL, and dropped when its customer is invalidated")
  void ttlAndInvalidation() {
    ResponseCache cache = new ResponseCache(10, 1000);
    cache.put("c:a", "a", cache.epoch(), BODY, "\"1\"", 0);
    cache.put("f:a|20|", "a", cache.epoch(), BODY, "\"x\"", 0);
    cache.put("c:b", "b", cache.epoch(), BODY, "\"1\"", 0);
    assertThat(cache.get("c:a", 999)).isNotNull();
    assertThat(cache.get("c:a", 1000)).isNull();
    cache.put("c:a", "a", cache.epoch(), BODY, "\"1\"", 0);
    cache.invalidate("A");
    assertThat(cache.get("c:a", 1)).isNull();
    assertThat(cache.get("f:a|20|", 1)).isNull();
    assertThat(cache.get("c:b", 1)).isNotNull();
  }

  @Test
  @DisplayName("a response computed while its customer was invalidated is not stored; others still are")
  void fillRacingAnInvalidation() {
    ResponseCache cache = new ResponseCache(10, 1000);
    long started = cache.epoch();
    cache.invalidate("a");
    cache.put("c:a", "a", started, BODY, "\"1\"", 0);
    assertThat(cache.get("c:a", 1)).isNull();
    cache.put("c:b", "b", started, BODY, "\"1\"", 0);
    assertThat(cache.get("c:b", 1)).isNotNull();
    cache.put("c:a", "a", cache.epoch(), BODY, "\"2\"", 0);
    assertThat(cache.get("c:a", 1).etag()).isEqualTo("\"2\"");
  }

  @Test
  @DisplayName("it holds at most its capacity, least recently used out first; size 0 disables it")
  void capacity() {
    ResponseCache cache = new ResponseCache(2, 1000);
    cache.put("k1", "a", 0, BODY, "1", 0);
    cache.put("k2", "b", 0, BODY, "1", 0);
    cache.get("k1", 1);
    cache.put("k3", "c", 0, BODY, "1", 0);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("k2", 1)).isNull();
    assertThat(cache.get("k1", 1)).isNotNull();
    ResponseCache off = new ResponseCache(0, 1000);
    off.put("k1", "a", 0, BODY, "1", 0);
    assertThat(off.get("k1", 1)).isNull();
  }
}
