package com.favoriteproducts.support;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Redis of a test's own: {@code redis-server} as a child process on 127.0.0.1:{@link #port}, nothing persisted
 * ({@code --save ""}, no AOF). {@link #stop()} kills it (SIGKILL: its data is gone); {@link #start()} runs a new one
 * on the same port, empty. The binary is {@code REDIS_SERVER_BIN}, else {@code redis-server} from the PATH.
 */
public final class PrivateRedis extends PrivateServer {

  private final Path log;

  public PrivateRedis() {
    super("Redis", 15_000);
    this.log = dir.resolve("redis.log");
  }

  @Override
  public JsonObject configure(JsonObject config) {
    return config.put("REDIS_HOST", "127.0.0.1").put("REDIS_PORT", port).put("REDIS_PASSWORD", "");
  }

  @Override
  protected void prepare() {
    // nothing: a Redis without persistence needs no files
  }

  @Override
  protected void launch() throws java.io.IOException {
    String binary = System.getenv().getOrDefault("REDIS_SERVER_BIN", "redis-server");
    process = spawn(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "no"), Map.of(), log);
  }

  @Override
  protected boolean accepting() {
    return new String(exchange("PING\r\n".getBytes(StandardCharsets.US_ASCII), 5), StandardCharsets.US_ASCII)
      .equals("+PONG");
  }

  @Override
  protected void kill() throws InterruptedException {
    killProcessTree();
  }

  @Override
  protected List<Path> logFiles() {
    return List.of(log);
  }
}
