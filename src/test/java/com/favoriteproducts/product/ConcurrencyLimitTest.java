package com.favoriteproducts.product;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("concurrency limit")
class ConcurrencyLimitTest {

  @Test
  @DisplayName("runs at most max tasks at a time, the rest in order as room frees up")
  void bounded() {
    ConcurrencyLimit limit = new ConcurrencyLimit(2);
    List<Promise<Integer>> started = new ArrayList<>();
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(limit.run(() -> {
        Promise<Integer> p = Promise.promise();
        started.add(p);
        return p.future();
      }));
    }
    assertThat(started).hasSize(2);
    assertThat(limit.running()).isEqualTo(2);
    assertThat(limit.waiting()).isEqualTo(3);
    started.get(1).complete(1);
    assertThat(results.get(1).result()).isEqualTo(1);
    assertThat(started).hasSize(3);
    started.get(0).fail("boom");
    assertThat(results.get(0).failed()).isTrue();
    assertThat(started).hasSize(4);
    started.get(2).complete(2);
    started.get(3).complete(3);
    started.get(4).complete(4);
    assertThat(results.stream().skip(1).map(Future::result).toList()).containsExactly(1, 2, 3, 4);
    assertThat(limit.running()).isZero();
    assertThat(limit.waiting()).isZero();
  }

  @Test
  @DisplayName("tasks that complete at once (an open breaker) drain a long line without deep recursion")
  void synchronousCompletion() {
    ConcurrencyLimit limit = new ConcurrencyLimit(1);
    Promise<Void> blocker = Promise.promise();
    limit.run(blocker::future);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      int n = i;
      results.add(limit.run(() -> Future.succeededFuture(n)));
    }
    blocker.complete();
    assertThat(results.get(99_999).result()).isEqualTo(99_999);
    assertThat(limit.waiting()).isZero();
  }

  @Test
  @DisplayName("past maxWaiting a task is refused at once (Full) and never runs; room in the line takes tasks again")
  void boundedLine() {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 2);
    Promise<Integer> running = Promise.promise();
    List<Integer> ran = new ArrayList<>();
    limit.run(() -> running.future());
    Future<Integer> w1 = limit.run(() -> {
      ran.add(1);
      return Future.succeededFuture(1);
    });
    limit.run(() -> Future.succeededFuture(2));
    Future<Integer> refused = limit.run(() -> {
      ran.add(3);
      return Future.succeededFuture(3);
    });
    assertThat(refused.failed()).isTrue();
    assertThat(ConcurrencyLimit.isFull(refused.cause())).isTrue();
    assertThat(limit.waiting()).isEqualTo(2);
    running.complete(0);
    assertThat(w1.result()).isEqualTo(1);
    assertThat(ran).containsExactly(1);
    assertThat(limit.run(() -> Future.succeededFuture(4)).result()).isEqualTo(4);
  }
}
