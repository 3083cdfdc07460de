package com.favoriteproducts.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free loopback port, without persistence, that the test stops and starts
 * (the shared Redis is never touched). Needs {@code redis-server} on the PATH. Close it when done.
 */
public final class PrivateRedis implements AutoCloseable {

  public final int port;
  private final Path dir;
  private Process process;

  private PrivateRedis(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public static PrivateRedis start() {
    try {
      PrivateRedis redis = new PrivateRedis(TestApp.freePort(), Files.createTempDirectory("private-redis"));
      redis.startServer();
      return redis;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a private redis-server", e);
    }
  }

  /** Starts the server again on the same port (after {@link #stop()}); its data is gone. */
  public void startServer() {
    try {
      process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
    }
    Eventually.until(10_000, "the private redis-server accepts connections on " + port, this::accepts);
  }

  /** Stops the server (SIGKILL: as abrupt as a crash) and waits until the port is closed. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    Eventually.until(10_000, "the private redis-server is down", () -> !accepts());
  }

  private boolean accepts() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
