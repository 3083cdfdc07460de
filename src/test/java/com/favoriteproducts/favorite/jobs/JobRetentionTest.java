package com.favoriteproducts.favorite.jobs;

import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Retention deletes every finished job past JOBS_RETENTION_HOURS in one run, in bounded statements. */
@DisplayName("job retention")
class JobRetentionTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static UUID customer(TestApp on) {
    return UUID.fromString(on.createCustomer(on.adminToken()).getString("id"));
  }

  /** {@code n} jobs of the customer with this status, dead or not, last updated {@code hoursAgo}. */
  private static void insert(TestApp on, UUID customer, int n, String status, boolean dead, int hoursAgo) {
    await(on.db.preparedQuery("INSERT INTO favorite_jobs (id, customer_id, product_id, status, reason, updated_at,"
        + " dead_at) SELECT gen_random_uuid(), $1, gen_random_uuid(), $2, CASE WHEN $2 = 'failed' THEN"
        + " 'product_not_found' END, now() - make_interval(hours => $3), CASE WHEN $4 THEN now() END"
        + " FROM generate_series(1, $5)")
      .execute(Tuple.of(customer, status, hoursAgo, dead, n)));
  }

  private static long count(TestApp on, UUID customer, String where) {
    return await(on.db.preparedQuery("SELECT count(*) FROM favorite_jobs WHERE customer_id = $1 AND " + where)
      .execute(Tuple.of(customer))).iterator().next().getLong(0);
  }

  private static JobRetention retention(int batch) {
    return new JobRetention(app.vertx, app.db, JobsConfig.from(new JsonObject()
      .put("JOBS_RETENTION_BATCH_SIZE", batch).put("JOBS_RETENTION_PAUSE_MS", 5)));
  }

  @Test
  @DisplayName("one run deletes all 12,500 old finished jobs (more than 10,000, in statements of 1,000); pending,"
    + " dead and recent ones stay")
  void oneRunDeletesAll() {
    UUID c = customer(app);
    insert(app, c, 12_000, "done", false, 200);
    insert(app, c, 500, "failed", false, 200);
    insert(app, c, 30, "failed", true, 200);
    insert(app, c, 40, "pending", false, 200);
    insert(app, c, 50, "done", false, 1);
    long deleted = await(retention(1000).run());
    assertThat(deleted).isGreaterThanOrEqualTo(12_500);
    assertThat(count(app, c, "status <> 'pending' AND dead_at IS NULL AND updated_at < now() - interval '168 hours'"))
      .isZero();
    assertThat(count(app, c, "dead_at IS NOT NULL")).isEqualTo(30);
    assertThat(count(app, c, "status = 'pending'")).isEqualTo(40);
    assertThat(count(app, c, "status = 'done'")).isEqualTo(50);
  }

  @Test
  @DisplayName("while another instance holds the retention lock a run does nothing; after, it runs")
  void oneInstanceAtATime() {
    UUID c = customer(app);
    insert(app, c, 200, "done", false, 200);
    SqlConnection other = await(app.db.getConnection());
    try {
      await(other.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(JobRetention.LOCK_KEY)));
      assertThat(await(retention(50).run())).isEqualTo(-1L);
      assertThat(count(app, c, "true")).isEqualTo(200);
      await(other.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(JobRetention.LOCK_KEY)));
    } finally {
      await(other.close());
    }
    assertThat(await(retention(50).run())).isGreaterThanOrEqualTo(200L);
    assertThat(count(app, c, "true")).isZero();
  }

  @Test
  @DisplayName("the jobs verticle runs retention every JOBS_RETENTION_INTERVAL_MS")
  void periodic() {
    try (TestApp quick = TestApp.start(TestApp.defaultConfig().put("JOBS_RETENTION_INTERVAL_MS", 300)
      .put("JOBS_RETENTION_BATCH_SIZE", 100))) {
      UUID c = customer(quick);
      insert(quick, c, 1000, "done", false, 200);
      Eventually.until(20_000, "the old jobs are deleted", () -> count(quick, c, "true") == 0);
    }
  }
}
