package com.favoriteproducts.support;

import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service node in its own JVM ({@code java -cp <test classpath> com.favoriteproducts.Main}), configured through
 * environment variables exactly as an operator would, with its output in {@code target/node-logs/<name>.log}.
 */
public final class NodeProcess implements AutoCloseable {

  public final String name;
  public final int httpPort;
  /** BRIDGE_PORT of its configuration (0 when unset: then the node's bridge, if it runs one, is on 7000). */
  public final int bridgePort;
  private final Process process;
  private final Path log;

  private NodeProcess(String name, Process process, Path log, int httpPort, int bridgePort) {
    this.name = name;
    this.bridgePort = bridgePort;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  public static NodeProcess start(String name, JsonObject config, int httpPort) {
    try {
      Path dir = Path.of("target", "node-logs");
      Files.createDirectories(dir);
      Path log = dir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // what the jar's manifest grants Hazelcast (Add-Opens / Add-Exports)
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "com.favoriteproducts.Main");
      Map<String, String> env = pb.environment();
      for (String key : config.fieldNames()) {
        Object v = config.getValue(key);
        if (v != null) {
          env.put(key, v.toString());
        }
      }
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return new NodeProcess(name, pb.start(), log, httpPort,
        com.favoriteproducts.config.AppConfig.integer(config, "BRIDGE_PORT", 0));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start node " + name, e);
    }
  }

  private static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits for the start-up line (every node logs it once its verticles are deployed). */
  public NodeProcess awaitStarted(Duration timeout) {
    try {
      Eventually.until(timeout.toMillis(), "node " + name + " has started", () -> {
        String out = output();
        if (out.contains("favorite-products started")) {
          return true;
        }
        if (!process.isAlive() || out.contains("start-up failed")) {
          throw new AssertionError("node " + name + " failed to start:\n" + out);
        }
        return false;
      });
      return this;
    } catch (AssertionError e) {
      if (e.getMessage() != null && e.getMessage().startsWith("timed out")) {
        throw new AssertionError("node " + name + " did not start within " + timeout + ":\n" + output(), e);
      }
      throw e;
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the node dies without any chance to clean up. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
  }

  /** SIGTERM: the graceful path. Returns the exit code. */
  public int terminate(Duration timeout) {
    process.destroy();
    return waitFor(timeout);
  }

  private int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
  }
}
