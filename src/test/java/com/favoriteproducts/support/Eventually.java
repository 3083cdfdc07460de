package com.favoriteproducts.support;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds (tests only: asynchronous outcomes such as a job being processed). */
public final class Eventually {

  private Eventually() {
  }

  public static void until(long timeoutMs, String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting until " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
