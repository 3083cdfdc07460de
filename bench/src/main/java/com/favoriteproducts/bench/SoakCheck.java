package com.favoriteproducts.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * After the load: waits until the add pipeline has drained (no pending job left) and compares what the service
 * accepted with what PostgreSQL holds, in SQL on the service's database.
 *
 * <ul>
 *   <li>{@code lost}: accepted adds (answered 200, 201 or 202) whose favorite is not in the {@code favorites} table.
 *   <li>{@code duplicated}: accepted favorites stored by more than one {@code done} job (the table's primary key makes
 *       a second row impossible; a second store is what a duplicate looks like here).
 *   <li>{@code countDrift}: customers whose {@code favorites_count} differs from their rows.
 *   <li>jobs of the 202 answers by end status and reason (a {@code failed} one is a lost add too), and
 *       {@code missing}: job ids the service answered that have no row.
 *   <li>{@code refusedButStored}: adds answered with an error (503 in the restart) whose favorite was stored anyway
 *       without any accepted add for it: for information.
 * </ul>
 */
final class SoakCheck {

  private final Pool pg;

  SoakCheck(Pool pg) {
    this.pg = pg;
  }

  /** Polls the pending job count every 250 ms until zero or the timeout: {pending, seconds}. */
  JsonObject drain(long timeoutMs) throws InterruptedException {
    long t0 = System.currentTimeMillis();
    long pending = -1;
    while (System.currentTimeMillis() - t0 < timeoutMs) {
      try {
        pending = pg.query("SELECT count(*) FROM favorite_jobs WHERE status = 'pending'").execute().await()
          .iterator().next().getLong(0);
      } catch (Exception e) {
        pending = -1; // PostgreSQL not back yet
      }
      if (pending == 0) {
        break;
      }
      Thread.sleep(250);
    }
    return new JsonObject().put("pendingJobs", pending).put("seconds", StoredWaiter.round((System.currentTimeMillis() - t0) / 1000.0))
      .put("drained", pending == 0);
  }

  JsonObject verify(Set<String> acceptedPairs, Set<String> acceptedJobs, Set<String> refusedPairs) {
    String[][] accepted = columns(acceptedPairs);
    JsonObject r = new JsonObject().put("acceptedAdds", acceptedPairs.size()).put("acceptedJobs", acceptedJobs.size());

    List<String> lostExamples = new ArrayList<>();
    long lost = 0;
    for (Row row : pg.preparedQuery("SELECT x.c, x.p FROM unnest($1::text[], $2::text[]) AS x(c, p)"
        + " WHERE NOT EXISTS (SELECT 1 FROM favorites f WHERE f.customer_id = x.c::uuid AND f.product_id = x.p::uuid)")
      .execute(arrays(accepted[0], accepted[1])).await()) {
      if (lost++ < 10) {
        lostExamples.add(row.getString(0) + " " + row.getString(1));
      }
    }
    r.put("lost", lost).put("lostExamples", new JsonArray(lostExamples));

    r.put("duplicated", one("SELECT count(*) FROM (SELECT 1 FROM favorite_jobs j"
      + " JOIN unnest($1::text[], $2::text[]) AS x(c, p) ON j.customer_id = x.c::uuid AND j.product_id = x.p::uuid"
      + " WHERE j.status = 'done' GROUP BY j.customer_id, j.product_id HAVING count(*) > 1) d", accepted[0], accepted[1]));

    r.put("countDrift", one("SELECT count(*) FROM customers c WHERE c.favorites_count"
      + " <> (SELECT count(*) FROM favorites f WHERE f.customer_id = c.id)"));

    JsonObject jobs = new JsonObject();
    long found = 0;
    for (Row row : pg.preparedQuery("SELECT status || coalesce(' ' || reason, ''), count(*) FROM favorite_jobs"
        + " WHERE id = ANY($1::text[]::uuid[]) GROUP BY 1 ORDER BY 1")
      .execute(arrays(acceptedJobs.toArray(new String[0]))).await()) {
      jobs.put(row.getString(0), row.getLong(1));
      found += row.getLong(1);
    }
    r.put("jobs", jobs).put("jobsMissing", acceptedJobs.size() - found);

    List<String> refusedOnly = new ArrayList<>(refusedPairs);
    refusedOnly.removeAll(acceptedPairs);
    String[][] refused = columns(refusedOnly);
    r.put("refusedAdds", refusedOnly.size()).put("refusedButStored", one("SELECT count(*) FROM unnest($1::text[], $2::text[])"
      + " AS x(c, p) JOIN favorites f ON f.customer_id = x.c::uuid AND f.product_id = x.p::uuid", refused[0], refused[1]));
    return r;
  }

  private long one(String sql, String[]... args) {
    return pg.preparedQuery(sql).execute(arrays(args)).await().iterator().next().getLong(0);
  }

  /** Arrays as parameters ({@code Tuple.of(a, b)} would spread b as varargs: a String[] is an Object[]). */
  private static Tuple arrays(String[]... columns) {
    Tuple t = Tuple.tuple();
    for (String[] c : columns) {
      t.addArrayOfString(c);
    }
    return t;
  }

  /** "customerId productId" pairs as two columns. */
  private static String[][] columns(Collection<String> pairs) {
    String[][] cols = new String[2][pairs.size()];
    int i = 0;
    for (String p : pairs) {
      int sp = p.indexOf(' ');
      cols[0][i] = p.substring(0, sp);
      cols[1][i] = p.substring(sp + 1);
      i++;
    }
    return cols;
  }
}
