package com.favoriteproducts.favorite;

import com.favoriteproducts.bus.JobStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("job messages: one job as itself, several as {\"jobs\": [...]}, read back the same")
class JobMessageTest {

  private static Job job(int attempts) {
    return new Job(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), JobStatus.PENDING, null, attempts, null, null, null);
  }

  @Test
  @DisplayName("a single job is the job's own message; several are a list; both parse back to the same ids and attempts")
  void roundTrip() {
    Job one = job(0);
    JsonObject single = Job.messageOf(List.of(one));
    assertThat(single).isEqualTo(one.message());
    assertThat(single.containsKey("jobs")).isFalse();
    assertThat(Job.parseAll(single)).singleElement().satisfies(j -> {
      assertThat(j.id()).isEqualTo(one.id());
      assertThat(j.customerId()).isEqualTo(one.customerId());
      assertThat(j.productId()).isEqualTo(one.productId());
    });

    List<Job> many = List.of(job(0), job(3), job(1));
    JsonObject batch = Job.messageOf(many);
    assertThat(batch.getJsonArray("jobs")).hasSize(3);
    List<Job> read = Job.parseAll(batch);
    assertThat(read).extracting(Job::id).containsExactlyElementsOf(many.stream().map(Job::id).toList());
    assertThat(read).extracting(Job::attempts).containsExactly(0, 3, 1);
  }

  @Test
  @DisplayName("anything else is not a job message: null, so the consumer dead-letters it")
  void notAJob() {
    assertThat(Job.parseAll(new JsonObject().put("hello", "world"))).isNull();
    assertThat(Job.parseAll(new JsonObject().put("jobs", new JsonArray()))).isNull();
    JsonObject oneBad = Job.messageOf(List.of(job(0), job(0)));
    oneBad.getJsonArray("jobs").getJsonObject(1).put("productId", "not-a-uuid");
    assertThat(Job.parseAll(oneBad)).isNull();
  }
}
