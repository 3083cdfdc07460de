package com.favoriteproducts.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL 15 of a test's own: {@code initdb} (trust authentication) into a temporary directory, {@code pg_ctl}
 * on 127.0.0.1:{@link #port} with its unix socket in that directory. Run as the {@code postgres} OS user when the
 * tests run as root (initdb refuses root). {@link #stop()} is {@code pg_ctl stop -m immediate}: the server dies
 * without a checkpoint and recovers from its WAL at the next {@link #start()}, as after a crash.
 * The binaries are looked up in {@code PG_BIN_DIR}, then {@code /usr/lib/postgresql/15/bin}.
 * {@link #replicaOf} makes a streaming standby of another one instead ({@code pg_basebackup -R} from it, optionally
 * with {@code recovery_min_apply_delay}, so that it lags on purpose).
 */
public final class PrivatePostgres extends PrivateServer {

  private final Path bin;
  private final Path data;
  private final Path log;
  private PrivatePostgres primary;
  private long applyDelayMs;

  /** A hot standby of {@code primary} (started first), replaying its WAL {@code applyDelayMs} late (0: at once). */
  public static PrivatePostgres replicaOf(PrivatePostgres primary, long applyDelayMs) {
    PrivatePostgres r = new PrivatePostgres();
    r.primary = primary;
    r.applyDelayMs = applyDelayMs;
    return r;
  }

  public PrivatePostgres() {
    super("PostgreSQL", 30_000);
    String configured = System.getenv("PG_BIN_DIR");
    this.bin = Path.of(configured == null || configured.isBlank() ? "/usr/lib/postgresql/15/bin" : configured);
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
  }

  @Override
  public JsonObject configure(JsonObject config) {
    return config.put("PG_HOST", "127.0.0.1").put("PG_PORT", port).put("PG_USER", "postgres").put("PG_PASSWORD", "");
  }

  @Override
  protected void prepare() throws IOException, InterruptedException {
    if (!Files.isExecutable(bin.resolve("initdb"))) {
      throw new IOException("no initdb in " + bin + " (set PG_BIN_DIR to PostgreSQL's bin directory)");
    }
    if (runningAsRoot()) {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    if (primary != null) {
      run(asPostgres(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(primary.port),
        "-U", "postgres", "-D", data.toString(), "-R", "-X", "stream", "--no-sync"), 120_000);
      if (applyDelayMs > 0) {
        Files.writeString(data.resolve("postgresql.auto.conf"), "recovery_min_apply_delay = '" + applyDelayMs
          + "ms'\n", java.nio.file.StandardOpenOption.APPEND);
      }
      return;
    }
    run(asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
      "-E", "UTF8", "--no-sync"), 60_000);
  }

  @Override
  protected void launch() throws IOException, InterruptedException {
    // fsync off: a stop here is a process crash, not a machine crash, so nothing written to the OS is lost either way
    String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off"
      + " -c shared_buffers=16MB -c max_connections=100";
    run(asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "30",
      "-o", options, "start"), 40_000);
  }

  @Override
  protected void kill() throws IOException, InterruptedException {
    if (Files.exists(data.resolve("postmaster.pid"))) {
      run(asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 30_000);
    }
  }

  @Override
  protected List<Path> logFiles() {
    return List.of(log);
  }

  private static List<String> asPostgres(String... command) {
    List<String> out = new ArrayList<>();
    if (runningAsRoot()) {
      out.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    out.addAll(List.of(command));
    return out;
  }
}
