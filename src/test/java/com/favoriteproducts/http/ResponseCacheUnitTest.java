package com.favoriteproducts.http;

import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("edge response cache (unit)")
class ResponseCacheUnitTest {

  private static final Buffer BODY = Buffer.buffer("{}");

  @Test
  @DisplayName("lookups are counted as hits and misses (an expired entry is a miss); none while the cache is off")
  void hitAndMissCounters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ResponseCache cache = new ResponseCache(10, 1 << 20, 1 << 20, 1000, AppMetrics.of(registry));
    cache.put("c:a", "a", cache.epoch(), BODY, "\"1\"", 0);
    cache.get("c:a", 1);
    cache.get("c:a", 2);
    cache.get("c:b", 2);
    cache.get("c:a", 1000);
    assertThat(registry.get(ResponseCache.REQUESTS).tag("result", "hit").counter().count()).isEqualTo(2.0);
    assertThat(registry.get(ResponseCache.REQUESTS).tag("result", "miss").counter().count()).isEqualTo(2.0);

    SimpleMeterRegistry offRegistry = new SimpleMeterRegistry();
    ResponseCache off = new ResponseCache(0, 1 << 20, 1 << 20, 1000, AppMetrics.of(offRegistry));
    assertThat(off.get("c:a", 1)).isNull();
    assertThat(offRegistry.get(ResponseCache.REQUESTS).tag("result", "miss").counter().count()).isZero();
  }

  @Test
  @DisplayName("an entry is served until its TTL, and dropped when its customer is invalidated")
  void ttlAndInvalidation() {
    ResponseCache cache = new ResponseCache(10, 1 << 20, 1 << 20, 1000);
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
  @DisplayName("entries filled together expire spread over the last fifth of the TTL, never after it")
  void jitteredExpiry() {
    ResponseCache cache = new ResponseCache(10_000, 1 << 30, 1 << 30, 10_000, com.favoriteproducts.Ttl.JITTER, AppMetrics.disabled());
    for (int i = 0; i < 2000; i++) {
      cache.put("c:" + i, "c" + i, cache.epoch(), BODY, "\"1\"", 0);
    }
    int early = 0;
    int late = 0;
    for (int i = 0; i < 2000; i++) {
      if (cache.get("c:" + i, 7_999) != null) {
        early++;
      }
    }
    for (int i = 0; i < 2000; i++) {
      if (cache.get("c:" + i, 9_000) != null) {
        late++;
      }
    }
    assertThat(early).as("all live before 0.8 x TTL").isEqualTo(2000);
    assertThat(late).as("about half live at 0.9 x TTL (not all in one instant)").isBetween(600, 1400);
    for (int i = 0; i < 2000; i++) {
      assertThat(cache.get("c:" + i, 10_000)).isNull();
    }
  }

  @Test
  @DisplayName("a response computed while its customer was invalidated is not stored; others still are")
  void fillRacingAnInvalidation() {
    ResponseCache cache = new ResponseCache(10, 1 << 20, 1 << 20, 1000);
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
    ResponseCache cache = new ResponseCache(2, 1 << 20, 1 << 20, 1000);
    cache.put("k1", "a", 0, BODY, "1", 0);
    cache.put("k2", "b", 0, BODY, "1", 0);
    cache.get("k1", 1);
    cache.put("k3", "c", 0, BODY, "1", 0);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("k2", 1)).isNull();
    assertThat(cache.get("k1", 1)).isNotNull();
    ResponseCache off = new ResponseCache(0, 1 << 20, 1 << 20, 1000);
    off.put("k1", "a", 0, BODY, "1", 0);
    assertThat(off.get("k1", 1)).isNull();
  }

  private static Buffer body(int bytes) {
    return Buffer.buffer(new byte[bytes]);
  }

  @Test
  @DisplayName("it holds at most RESPONSE_CACHE_MAX_BYTES in all, least recently used out first")
  void totalBytes() {
    long max = 100_000;
    ResponseCache cache = new ResponseCache(1_000_000, max, max, 60_000);
    for (int i = 0; i < 1_000; i++) {
      cache.put("f:c" + i + "|20|", "c" + i, cache.epoch(), body(5_000), "\"e\"", 0);
      assertThat(cache.bytes()).as("after %d fills", i + 1).isLessThanOrEqualTo(max);
    }
    assertThat(cache.size()).isBetween(1, (int) (max / 5_000));
    assertThat(cache.get("f:c999|20|", 1)).as("the newest").isNotNull();
    assertThat(cache.get("f:c0|20|", 1)).as("the oldest").isNull();
    cache.put("big", "x", cache.epoch(), body((int) max), "\"e\"", 0);
    assertThat(cache.get("big", 1)).as("an entry over the bound is not stored").isNull();
    assertThat(cache.bytes()).isLessThanOrEqualTo(max);
    cache.invalidate("c999");
    assertThat(cache.bytes()).isEqualTo(cache.size() * ResponseCache.weight("f:c998|20|", body(5_000), "\"e\""));
  }

  @Test
  @DisplayName("one customer filling the cache evicts its own entries, not everyone else's")
  void perCustomer() {
    ResponseCache cache = new ResponseCache(1_000_000, 1_000_000, 50_000, 60_000);
    for (int i = 0; i < 100; i++) {
      cache.put("c:other" + i, "other" + i, cache.epoch(), body(1_000), "\"1\"", 0);
    }
    for (int i = 0; i < 10_000; i++) {
      cache.put("f:greedy|100|cursor" + i, "greedy", cache.epoch(), body(5_000), "\"e\"", 0);
    }
    assertThat(cache.size("greedy")).isBetween(1, 10);
    for (int i = 0; i < 100; i++) {
      assertThat(cache.get("c:other" + i, 1)).as("customer other%d's entry", i).isNotNull();
    }
    assertThat(cache.get("f:greedy|100|cursor9999", 1)).isNotNull();
  }
}
