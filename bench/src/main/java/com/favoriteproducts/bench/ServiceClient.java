package com.favoriteproducts.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A keep-alive HTTP/1.1 client for one base URL (service or fake-products), with the bench's bearer token. */
final class ServiceClient {

  private static final Pattern JOB_PATH = Pattern.compile("/jobs/([^/?#]+)");

  private final WebClient client;
  private final String host;
  private final int port;
  private final String prefix;
  private final String token;
  private final long timeoutMs;

  ServiceClient(Vertx vertx, String baseUrl, String token, int connections) {
    this(vertx, baseUrl, token, connections, 30_000);
  }

  /** {@code timeoutMs}: a request fails when it waits that long for a pooled connection, or for data once sent. */
  ServiceClient(Vertx vertx, String baseUrl, String token, int connections, long timeoutMs) {
    URI uri = URI.create(baseUrl);
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : 80;
    String path = uri.getPath() == null ? "" : uri.getPath();
    this.prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.token = token;
    this.timeoutMs = timeoutMs;
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setConnectTimeout(5_000).setUserAgent("favorite-products-bench"),
      new PoolOptions().setHttp1MaxSize(Math.max(1, connections)));
  }

  HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> r = client.request(method, port, host, prefix + path).timeout(timeoutMs);
    if (token != null && !token.isEmpty()) {
      r.bearerTokenAuthentication(token);
    }
    return r;
  }

  Future<HttpResponse<Buffer>> get(String path) {
    return request(HttpMethod.GET, path).send();
  }

  Future<HttpResponse<Buffer>> put(String path) {
    return request(HttpMethod.PUT, path).send();
  }

  Future<HttpResponse<Buffer>> postJson(String path, JsonObject body) {
    return request(HttpMethod.POST, path).sendJsonObject(body);
  }

  /**
   * The job id an accepted (202) request names: from the Location header ({@code .../jobs/{id}}), else from the
   * body ({@code jobId}, {@code job.id}, or {@code id} next to a {@code status}). Null when none is named.
   */
  static String jobId(HttpResponse<Buffer> resp) {
    String location = resp.getHeader("Location");
    if (location != null) {
      Matcher m = JOB_PATH.matcher(location);
      if (m.find()) {
        return m.group(1);
      }
    }
    JsonObject body = jsonOrNull(resp);
    if (body == null) {
      return null;
    }
    if (body.getValue("jobId") != null) {
      return body.getValue("jobId").toString();
    }
    if (body.getValue("job") instanceof JsonObject job && job.getValue("id") != null) {
      return job.getValue("id").toString();
    }
    if (body.getValue("id") != null && body.getValue("status") != null) {
      return body.getValue("id").toString();
    }
    return null;
  }

  static JsonObject jsonOrNull(HttpResponse<Buffer> resp) {
    Buffer b = resp.body();
    if (b == null || b.length() == 0) {
      return null;
    }
    try {
      String s = b.toString().trim();
      return s.startsWith("{") ? new JsonObject(s) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A short description of a response for messages: status and the start of the body. */
  static String describe(HttpResponse<Buffer> resp) {
    String body = resp.bodyAsString();
    if (body == null) {
      body = "";
    }
    body = body.replaceAll("\\s+", " ");
    return resp.statusCode() + (body.isEmpty() ? "" : " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
  }

  void close() {
    client.close();
  }
}
