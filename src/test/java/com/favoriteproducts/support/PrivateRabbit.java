package com.favoriteproducts.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A second RabbitMQ node of a test's own, next to the machine's: node name {@code test-<random>@localhost}, AMQP on
 * 127.0.0.1:{@link #port} and Erlang distribution on another free port (loopback only), Mnesia and logs in a
 * temporary directory, no plugins, and none of the machine's files: its own {@code rabbitmq.conf} and an empty
 * {@code rabbitmq-env.conf} (the machine's files name the shared node and its listener), its own HOME and so its own
 * Erlang cookie. It registers with the machine's epmd under its own name, which disturbs no other node.
 * {@link #stop()} kills the Erlang VM (SIGKILL); {@link #start()} boots the node again on the same ports and Mnesia
 * directory, so durable queues and persistent messages survive as they would a crash. Booting takes several seconds
 * (7-9 s on a 2-core machine): {@link #launchInBackground()} lets the test do other work meanwhile.
 * The start script is {@code RABBITMQ_SERVER_BIN}, else {@code /usr/lib/rabbitmq/bin/rabbitmq-server}.
 */
public final class PrivateRabbit extends PrivateServer {

  /** AMQP 0-9-1 protocol header: a broker answers it with a Connection.Start method frame (type 1). */
  private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

  private final String nodeName = "test-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
  private final int distPort = TestApp.freePort();
  private final Path out;
  private final Path logBase;

  public PrivateRabbit() {
    super("RabbitMQ", 90_000);
    this.out = dir.resolve("stdout.log");
    this.logBase = dir.resolve("log");
  }

  @Override
  public JsonObject configure(JsonObject config) {
    return config.put("RABBITMQ_HOST", "127.0.0.1").put("RABBITMQ_PORT", port).put("RABBITMQ_USER", "guest")
      .put("RABBITMQ_PASSWORD", "guest").put("RABBITMQ_VHOST", "/");
  }

  @Override
  protected void prepare() throws IOException {
    String script = script();
    if (!Files.isExecutable(Path.of(script))) {
      throw new IOException("no RabbitMQ start script at " + script + " (set RABBITMQ_SERVER_BIN)");
    }
    Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(dir.resolve("mnesia"));
    Files.createDirectories(logBase);
    Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + port + "\n"
      + "loopback_users = none\n");
  }

  @Override
  protected void launch() throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.resolve("home").toString());
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", String.valueOf(port));
    env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
    env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", logBase.toString());
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
    process = spawn(List.of(script()), env, out);
  }

  @Override
  protected boolean accepting() {
    byte[] answer = exchange(AMQP_HEADER, 1);
    return answer.length == 1 && answer[0] == 1;
  }

  @Override
  protected void kill() throws InterruptedException {
    killProcessTree();
  }

  @Override
  protected List<Path> logFiles() {
    return List.of(out, logBase.resolve(nodeName + ".log"));
  }

  private static String script() {
    String configured = System.getenv("RABBITMQ_SERVER_BIN");
    return configured == null || configured.isBlank() ? "/usr/lib/rabbitmq/bin/rabbitmq-server" : configured;
  }
}
