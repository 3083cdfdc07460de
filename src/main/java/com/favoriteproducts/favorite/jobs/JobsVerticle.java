package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.BusFailure;
import com.favoriteproducts.bus.BusHandlers;
import com.favoriteproducts.bus.Fields;
import com.favoriteproducts.bus.JobStatus;
import com.favoriteproducts.config.BacklogConfig;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.RabbitConfig;
import com.favoriteproducts.config.ReplicaConfig;
import com.favoriteproducts.db.ReadPools;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.favorite.JobMetrics;
import com.favoriteproducts.favorite.JobRepository;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The add-job worker (VERTICLES=favorites-jobs): owns the RabbitMQ connection and every {@code jobs.*} address. This
 * class only wires the parts together:
 * <ul>
 *   <li>{@link JobPublisher}: publishes jobs with confirms, records the confirms, the sweeper, the events relay;</li>
 *   <li>{@link JobConsumer}: takes deliveries of the work queue in batches and acknowledges them;</li>
 *   <li>{@link JobStore}: one attempt of a batch of jobs (lookups, one transaction), retries, dead letters;</li>
 *   <li>{@link DeadLetters}: {@code jobs.dead.list} and {@code jobs.dead.replay} for operators;</li>
 *   <li>{@link RabbitConnection} and {@link RabbitTopology}: the connection, kept alive, and the queues.</li>
 * </ul>
 */
public class JobsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobsVerticle.class);

  private Pool pool;
  private ReadPools reads;
  private RabbitConnection rabbit;
  private JobPublisher publisher;
  private JobConsumer consumer;
  private BusHandlers handlers;
  private long sweepTimer = -1;
  private long retentionTimer = -1;
  private JobBacklog backlog;

  @Override
  public Future<?> start() {
    JobsConfig cfg = JobsConfig.from(config());
    RabbitConfig rabbitConfig = RabbitConfig.from(config());
    PgConfig pg = PgConfig.from(config());
    ReplicaConfig replicas;
    try {
      replicas = ReplicaConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String name = "favorites-jobs-" + UUID.randomUUID();
    pool = PgBuilder.pool().with(pg.poolOptions(name)).connectingTo(connectOptions(pg, cfg)).using(vertx).build();
    reads = ReadPools.create(vertx, pool, replicas, pg.poolConnectOptions(), pg.poolOptions(name), name);
    JobRepository jobs = new JobRepository(pool);
    JobMetrics metrics = new JobMetrics(AppMetrics.from(config()));
    RabbitTopology topology = new RabbitTopology(rabbitConfig.queuePrefix(), cfg.retryDelaysMs(),
      rabbitConfig.quorum(), rabbitConfig.deliveryLimit());
    // Each (re)connection starts the consumer, then the sweeper (jobs left unpublished while it was down).
    rabbit = new RabbitConnection(vertx, rabbitConfig, topology, cfg.prefetch(), c -> consumer.consume(c),
      () -> publisher.sweep());
    publisher = new JobPublisher(vertx, context, cfg, jobs, rabbit, topology, metrics);
    consumer = new JobConsumer(vertx, rabbit, topology,
      new JobStore(vertx, cfg, pool, jobs, rabbit, topology, publisher, metrics));
    DeadLetters dead = new DeadLetters(jobs, reads, rabbit, topology, publisher);
    JobRetention retention = new JobRetention(vertx, pool, cfg);
    BacklogConfig backlogConfig;
    try {
      backlogConfig = BacklogConfig.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    backlog = new JobBacklog(vertx, pool, backlogConfig, AppMetrics.from(config()));

    handlers = new BusHandlers(vertx, LOG, err -> new BusFailure(BusFailure.UNAVAILABLE,
      "the job store or RabbitMQ is unavailable"))
      .on(Addresses.JOBS_GET, m -> job(reads, m))
      .on(Addresses.JOBS_PUBLISH, m -> Future.succeededFuture(publisher.publishRequested(m.body())))
      .on(Addresses.JOBS_DEAD_LIST, dead::list)
      .on(Addresses.JOBS_DEAD_REPLAY, m -> dead.replay())
      .on(Addresses.JOBS_HEALTH, m -> Future.succeededFuture(new JsonObject()
        .put("status", rabbit.connected() ? "UP" : "DOWN")))
      .on(Addresses.FAVORITES_EVENTS_RELAY, m -> publisher.relay(m.body()).map(v -> null));
    // Waits for the first connection attempt only (a few seconds at most), so a node starting with RabbitMQ up is
    // ready at once, and one starting without it still starts: adds are durable in PostgreSQL meanwhile.
    return Future.all(handlers.ready(), reads.ready()).compose(v -> rabbit.start()).onSuccess(v -> {
      sweepTimer = vertx.setPeriodic(cfg.sweepIntervalMs(), t -> publisher.sweep());
      retentionTimer = vertx.setPeriodic(cfg.retentionIntervalMs(), t -> retention.run());
      backlog.start();
      LOG.info("add jobs: {} attempts over about {} min, prefetch {}", cfg.maxAttempts(),
        cfg.retryWindowMs() / 60_000, cfg.prefetch());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(retentionTimer);
    if (backlog != null) {
      backlog.stop();
    }
    return handlers.drain(ShutdownConfig.from(config()).drainMs())
      .eventually(() -> rabbit == null ? Future.succeededFuture() : rabbit.close())
      .eventually(() -> reads == null ? Future.succeededFuture() : reads.close())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /**
   * The job worker's connections: JOBS_SYNCHRONOUS_COMMIT for everything it writes (stores, attempts, publication
   * marks). {@code on} (the default): a favorite answered 201 (Prefer: wait) or shown done is durable. {@code off}
   * saves a WAL flush per batch, but a PostgreSQL crash can lose its last few hundred milliseconds of writes: the jobs
   * are then pending again (the favorite and the job's state are in one transaction) and the sweeper publishes them,
   * so nothing is lost for good, but a favorite already answered 201 is missing until then.
   */
  static PgConnectOptions connectOptions(PgConfig pg, JobsConfig cfg) {
    return pg.poolConnectOptions().addProperty("synchronous_commit", cfg.synchronousCommit());
  }

  /**
   * jobs.get: the job as {@code GET /v1/jobs/{jobId}} shows it. From a replica only when it shows the job finished (a
   * finished job stays so; its customer's pins do not apply, the key being the job): a job a replica does not have or
   * shows pending is read on the primary, so a job's completion is seen as soon as it is committed (Prefer: wait, and
   * polling).
   */
  private static Future<JsonObject> job(ReadPools reads, Message<JsonObject> msg) {
    UUID id = Fields.uuid(msg, "jobId");
    return reads.read(null, p -> new JobRepository(p).find(id),
      j -> j == null || j.status() == JobStatus.PENDING).compose(j -> j == null ? BusFailure.fail(BusFailure.NOT_FOUND, "job " + id + " not found")
      : Future.succeededFuture(j.toJson()));
  }
}
