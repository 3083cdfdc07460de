package com.favoriteproducts.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The one dependency restart in the middle of the soak, on its own thread: at {@code atMs} after the start of the load
 * it runs {@code bench/soak-deps.sh stop SERVER} (the soak's private instance, never the machine's shared server),
 * waits {@code downSeconds}, runs {@code soak-deps.sh start SERVER}, then polls {@code /health/ready} until it says
 * {@code UP} again. Times are ms from the start of the load.
 *
 * <p>The restart window runs from the moment the stop began to {@code graceSeconds} after readiness said {@code UP}
 * again: reconnecting pools, the RabbitMQ client's reconnect interval and retried jobs need a moment after the server
 * is back. A request whose lifetime (from when it was due to its answer) overlaps the window is "inside".
 */
final class SoakRestart implements Runnable {

  private final String server;
  private final Path script;
  private final long atMs;
  private final int downSeconds;
  private final int graceSeconds;
  private final long startNanos;
  private final ServiceClient service;
  private final JsonObject result = new JsonObject();
  private volatile boolean finished;

  SoakRestart(String server, Path script, long atMs, int downSeconds, int graceSeconds, long startNanos,
              ServiceClient service) {
    this.server = server;
    this.script = script;
    this.atMs = atMs;
    this.downSeconds = downSeconds;
    this.graceSeconds = graceSeconds;
    this.startNanos = startNanos;
    this.service = service;
    result.put("server", server).put("plannedAtS", atMs / 1000.0).put("downSeconds", downSeconds)
      .put("graceSeconds", graceSeconds);
  }

  @Override
  public void run() {
    try {
      sleepUntil(atMs);
      result.put("stopBeganMs", now());
      say("stopping the private " + server);
      run("stop");
      result.put("stoppedMs", now());
      say(server + " stopped");
      long notUp = pollReady(false, now() + 10_000L);
      if (notUp >= 0) {
        result.put("readinessNotUpMs", notUp);
      }
      sleepUntil(result.getLong("stoppedMs") + downSeconds * 1000L);
      result.put("startBeganMs", now());
      say("starting " + server + " again");
      run("start");
      result.put("startedMs", now());
      say(server + " answers");
      long up = pollReady(true, now() + 120_000L);
      say(up >= 0 ? "/health/ready says UP again" : "/health/ready did not say UP within 120 s");
      result.put("readyUpMs", up >= 0 ? up : now());
      if (up < 0) {
        result.put("readyUpTimedOut", true);
      }
    } catch (RuntimeException | IOException e) {
      result.put("error", e.toString());
      System.out.println("[soak] restart: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.put("error", "interrupted");
    } finally {
      if (result.containsKey("stopBeganMs")) {
        long end = result.getLong("readyUpMs", result.getLong("startedMs", now())) + graceSeconds * 1000L;
        result.put("windowStartMs", result.getLong("stopBeganMs")).put("windowEndMs", end);
      }
      finished = true;
    }
  }

  boolean finished() {
    return finished;
  }

  JsonObject result() {
    return result;
  }

  private void run(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", script.toString(), command, server).inheritIO().start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("soak-deps.sh " + command + " " + server + " did not finish within 180 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("soak-deps.sh " + command + " " + server + " exited with " + p.exitValue());
    }
  }

  /** Polls /health/ready every 100 ms until it says UP ({@code up}) or anything else: the time, or -1 at the deadline. */
  private long pollReady(boolean up, long deadlineMs) throws InterruptedException {
    while (now() < deadlineMs) {
      String status;
      try {
        HttpResponse<Buffer> r = service.get("/health/ready").await();
        JsonObject body = ServiceClient.jsonOrNull(r);
        status = body == null ? "?" : body.getString("status", "?");
      } catch (Exception e) {
        status = "no answer";
      }
      if ("UP".equals(status) == up) {
        return now();
      }
      Thread.sleep(100);
    }
    return -1;
  }

  private void say(String what) {
    System.out.printf(java.util.Locale.ROOT, "[soak] restart at %.1f s: %s%n", now() / 1000.0, what);
  }

  private long now() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void sleepUntil(long ms) throws InterruptedException {
    long wait = ms - now();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}
