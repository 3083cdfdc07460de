package com.favoriteproducts.db;

import com.favoriteproducts.config.PgConfig;
import com.favoriteproducts.config.ReplicaConfig;
import com.favoriteproducts.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("read routing helpers")
class ReadPoolsTest {

  @Test
  @DisplayName("an LSN X/Y reads as one ordered number")
  void lsn() {
    assertThat(ReadPools.lsn("0/0")).isZero();
    assertThat(ReadPools.lsn("0/16B3748")).isEqualTo(0x16B3748L);
    assertThat(ReadPools.lsn("1/0")).isEqualTo(1L << 32);
    assertThat(ReadPools.lsn("1/0")).isGreaterThan(ReadPools.lsn("0/FFFFFFFF"));
  }

  @Test
  @DisplayName("pins keep the latest change, expire, and when full send every keyed read to the primary for a while")
  void pins() {
    Pins p = new Pins(2);
    p.changed("a", 100, 1000);
    p.changed("a", 50, 1000);
    assertThat(p.changedAt("a")).isEqualTo(100);
    assertThat(p.changedAt("b")).isEqualTo(Long.MIN_VALUE);
    p.changed("b", 200, 1000);
    assertThat(p.overflowing(200)).isFalse();
    p.changed("c", 300, 1000);
    assertThat(p.overflowing(300)).isTrue();
    assertThat(p.overflowing(1300)).isFalse();
    p.expire(150);
    assertThat(p.size()).isEqualTo(1);
    assertThat(p.changedAt("a")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  @DisplayName("the read client carries many reads at once on PG_READ_CONNECTIONS connections (pipelined), each its own"
    + " answer; a pooled connection would carry one and turn the others away with no wait queue; closed with them")
  void pipelinedReads() throws Exception {
    Vertx vertx = Vertx.vertx();
    JsonObject config = TestServices.config().put("PG_READ_CONNECTIONS", 1).put("PG_POOL_MAX_WAIT", 0);
    PgConfig pg = PgConfig.from(config);
    ReadPools reads = ReadPools.pipelined(vertx, pg, ReplicaConfig.from(config), "read-pools-test");
    try {
      reads.ready().await(20, TimeUnit.SECONDS);
      // the connection first (while it connects, the others would wait: PG_POOL_MAX_WAIT=0 allows none)
      int first = reads.read(null, c -> c.query("SELECT pg_backend_pid()").execute()).await(20, TimeUnit.SECONDS)
        .iterator().next().getInteger(0);
      int n = 100;
      List<Future<Row>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int value = i;
        all.add(reads.read(null, c -> c.preparedQuery("SELECT $1::int, pg_backend_pid()").execute(Tuple.of(value))
          .map(rs -> rs.iterator().next())));
      }
      Future.all(all).await(20, TimeUnit.SECONDS);
      Set<Integer> pids = new HashSet<>();
      for (int i = 0; i < n; i++) {
        assertThat(all.get(i).result().getInteger(0)).isEqualTo(i);
        pids.add(all.get(i).result().getInteger(1));
      }
      assertThat(pids).containsExactly(first);
    } finally {
      reads.close().await(20, TimeUnit.SECONDS);
    }
    Throwable closed = catchThrowable(() -> reads.read(null, c -> c.query("SELECT 1").execute())
      .await(20, TimeUnit.SECONDS));
    assertThat(closed).isNotNull();
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}
