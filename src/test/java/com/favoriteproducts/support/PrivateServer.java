package com.favoriteproducts.support;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL, Redis or RabbitMQ server of a test's own, on free ports of 127.0.0.1 with its data in a temporary
 * directory, which the test stops and starts (never the machine's shared servers). As a JUnit 5 extension in a static
 * field it starts before the class's app (give it a lower {@code @Order} than the app) and is removed after the class,
 * also when a test fails; a JVM shutdown hook removes it if the JVM exits first.
 * <ul>
 *   <li>{@link #start()} launches it and waits (with a deadline) until it accepts clients; if it does not, the failure
 *   message carries the end of its logs;</li>
 *   <li>{@link #stop()} stops it the crash-like way (SIGKILL, or {@code pg_ctl stop -m immediate}); a later
 *   {@link #start()} brings it back on the same port with the same data directory;</li>
 *   <li>{@link #configure(JsonObject)} points a service configuration at it.</li>
 * </ul>
 */
public abstract class PrivateServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PrivateServer.class);
  private static final int LOG_TAIL_CHARS = 6000;

  /** What it is, for messages: "PostgreSQL", "Redis", "RabbitMQ". */
  protected final String kind;
  /** Its temporary directory: data, sockets, logs. */
  protected final Path dir;
  /** The port clients connect to (chosen free when the object is made, kept across restarts). */
  public final int port;
  private final long startTimeoutMs;
  private final Thread shutdownHook = new Thread(this::remove, "private-server-cleanup");
  private boolean prepared;
  private boolean startInBeforeAll = true;
  private long launchedAt;
  private volatile long lastStartMillis;
  private boolean removed;
  /** The running server's process, for the kinds that run it as a child of this JVM. */
  protected Process process;

  protected PrivateServer(String kind, long startTimeoutMs) {
    this.kind = kind;
    this.startTimeoutMs = startTimeoutMs;
    this.port = TestApp.freePort();
    try {
      this.dir = Files.createTempDirectory("private-" + kind.toLowerCase() + "-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory for a private " + kind, e);
    }
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Sets the service's host and port keys for this kind to this server. */
  public abstract JsonObject configure(JsonObject config);

  /** Once, before the first start: create the data directory and config files. */
  protected abstract void prepare() throws IOException, InterruptedException;

  /** Starts the server without waiting for it. */
  protected abstract void launch() throws IOException, InterruptedException;

  /** Stops it at once, as a crash would (no graceful shutdown). */
  protected abstract void kill() throws IOException, InterruptedException;

  /** True once a client can talk to it (a protocol-level check where a TCP accept is not enough). */
  protected boolean accepting() {
    return tcpAccepts();
  }

  /** The files whose end goes into a failure message. */
  protected abstract List<Path> logFiles();

  /**
   * As an extension: do not start it in {@code beforeAll}, the test does ({@link #start()}, or
   * {@link #launchInBackground()} then {@link #awaitAccepting()}): to start the app before its server. It is still
   * removed after the class.
   */
  public PrivateServer startedByTheTest() {
    startInBeforeAll = false;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (startInBeforeAll) {
      start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Launches the server (preparing it the first time) without waiting; {@link #awaitAccepting()} waits. */
  public synchronized void launchInBackground() {
    if (removed) {
      throw new IllegalStateException("the private " + kind + " was removed");
    }
    try {
      if (!prepared) {
        prepare();
        prepared = true;
      }
      launchedAt = System.currentTimeMillis();
      launch();
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("the private " + kind + " did not start: " + e + "\n" + logs(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while starting the private " + kind, e);
    }
  }

  /** Starts it and waits until it accepts clients. */
  public void start() {
    launchInBackground();
    awaitAccepting();
  }

  /** How long the last start took, from its launch until it accepted clients (milliseconds). */
  public long lastStartMillis() {
    return lastStartMillis;
  }

  /** Waits until the server accepts clients; fails with its logs after the start deadline or if its process died. */
  public void awaitAccepting() {
    long begin = System.currentTimeMillis();
    long deadline = begin + startTimeoutMs;
    while (!accepting()) {
      if (process != null && !process.isAlive()) {
        throw new AssertionError("the private " + kind + " exited (code " + process.exitValue() + ") before accepting"
          + " clients on port " + port + "\n" + logs());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the private " + kind + " did not accept clients on port " + port + " within "
          + startTimeoutMs + " ms\n" + logs());
      }
      sleep(50);
    }
    lastStartMillis = System.currentTimeMillis() - launchedAt;
    LOG.info("private {} on port {} accepts clients, {} ms after its launch", kind, port, lastStartMillis);
  }

  /** Crash-like stop; {@link #start()} brings it back with its data. */
  public synchronized void stop() {
    try {
      kill();
    } catch (IOException e) {
      throw new AssertionError("could not stop the private " + kind + ": " + e + "\n" + logs(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping the private " + kind, e);
    }
  }

  /** Stops it and deletes its directory; idempotent. */
  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run: nothing left to do
    }
  }

  private synchronized void remove() {
    if (removed) {
      return;
    }
    removed = true;
    try {
      kill();
    } catch (Exception e) {
      // best effort: the directory goes anyway
    }
    deleteTree(dir);
  }

  /** The end of each log file, for failure messages. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    for (Path f : logFiles()) {
      out.append("--- ").append(f).append(" ---\n");
      try {
        String text = Files.exists(f) ? Files.readString(f) : "(missing)";
        out.append(text.length() > LOG_TAIL_CHARS ? "..." + text.substring(text.length() - LOG_TAIL_CHARS) : text);
      } catch (IOException e) {
        out.append("(unreadable: ").append(e.getMessage()).append(")");
      }
      out.append('\n');
    }
    return out.toString();
  }

  protected final boolean tcpAccepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Connects, writes {@code hello}, and returns the first bytes answered (empty if none). */
  protected final byte[] exchange(byte[] hello, int answerBytes) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write(hello);
      out.flush();
      InputStream in = s.getInputStream();
      return in.readNBytes(answerBytes);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** Starts a child process with its output in {@code log}. */
  protected final Process spawn(List<String> command, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs a command to its end (at most {@code timeoutMs}); fails with its output when it fails. */
  protected final void run(List<String> command, long timeoutMs) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "cmd-", ".log");
    Process p = spawn(command, Map.of(), out);
    if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within " + timeoutMs + " ms: "
        + Files.readString(out));
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + Files.readString(out));
    }
  }

  /** SIGKILL to the process and everything it started (the server may be a grandchild of a start script). */
  protected final void killProcessTree() throws InterruptedException {
    Process p = process;
    if (p == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    p.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    for (ProcessHandle h : tree) {
      h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
    }
    process = null;
  }

  /** True when this JVM runs as root (then PostgreSQL must be run as another user). */
  protected static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  protected static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          // a socket file or a file still being written: the temporary directory is the system's to clean
        }
      });
    } catch (IOException e) {
      // same
    }
  }
}
