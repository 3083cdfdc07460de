package com.favoriteproducts.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests, always for something named: a condition to become true ({@link #until}), a condition to stay true
 * for a while ({@link #holdsFor}: asserting that nothing happens), or time itself to pass when only time can show a
 * behaviour, such as a TTL running out ({@link #pastDeadline}, {@link #elapse}). No bare sleeps in tests.
 */
public final class Eventually {

  private static final long POLL_MS = 50;

  private Eventually() {
  }

  /** Polls the condition until it holds; fails after {@code timeoutMs} (checking once more at the deadline). */
  public static void until(long timeoutMs, String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting until " + what);
      }
      pause(POLL_MS, what);
    }
  }

  /**
   * Asserts the condition holds for the whole period, checked every 50 ms and once more at its end: fails as soon as it
   * does not (an absence: "nothing is processed while RabbitMQ is unreachable").
   */
  public static void holdsFor(long periodMs, String what, BooleanSupplier condition) {
    long start = System.currentTimeMillis();
    long end = start + periodMs;
    while (true) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("after " + (System.currentTimeMillis() - start) + " ms of " + periodMs
          + " ms, no longer " + what);
      }
      long now = System.currentTimeMillis();
      if (now >= end) {
        return;
      }
      pause(Math.min(POLL_MS, end - now), what);
    }
  }

  /**
   * Waits until the clock is past the deadline: for behaviour that only time can show, such as a cached copy that is
   * no longer fresh {@code fetchedAt + TTL}. {@code why} names what the deadline is (it documents the wait).
   */
  public static void pastDeadline(Instant deadline, String why) {
    long ms;
    while ((ms = Duration.between(Instant.now(), deadline).toMillis()) >= 0) {
      pause(Math.max(1, ms + 1), why);
    }
  }

  /**
   * Lets {@code ms} go by on purpose, for what only time shows and nothing outside the service can observe (an
   * in-process cache entry's TTL, a reset timeout): {@code why} says which.
   */
  public static void elapse(long ms, String why) {
    pastDeadline(Instant.now().plusMillis(ms), why);
  }

  private static void pause(long ms, String what) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting: " + what, e);
    }
  }
}
