package com.favoriteproducts.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The one assertion of an RFC 9457 problem response, for every test that expects an error. */
public final class Problems {

  private Problems() {
  }

  /**
   * Asserts the response is a problem with this status: the status code, {@code Content-Type: application/problem+json},
   * a body whose {@code status} is the same, a non-blank {@code type} and {@code title}, and no stack trace or exception
   * name anywhere in it. Returns the body for the call site's own assertions ({@code detail}, {@code errors}, ...).
   */
  public static JsonObject assertProblem(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("type")).isNotBlank();
    assertThat(p.getString("title")).isNotBlank();
    // a tab is "\t" once encoded: look for a stack frame both ways
    assertThat(p.encode()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("\\tat ");
    return p;
  }
}
