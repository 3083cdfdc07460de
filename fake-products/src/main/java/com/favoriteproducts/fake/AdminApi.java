package com.favoriteproducts.fake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Run-time controls for tests and demos, mounted under {@code /__admin/} only when ADMIN_ENABLED is true.
 * <pre>
 * GET    /__admin/faults          current fault settings
 * POST   /__admin/faults          partial update {"latencyMs", "failureRate", "down"}; 400 on invalid values
 * POST   /__admin/products        upsert a product: 201 if added, 200 if replaced; 400 on invalid product
 * POST   /__admin/products/raw    {"id", "body" | "bodyBase64"}: serve that body verbatim for the id (poison data)
 * DELETE /__admin/products/{id}   204, or 404 if unknown
 * GET    /__admin/stats           {"productCalls", "listCalls", "byId": {id: n}}
 * POST   /__admin/stats/reset     zeroes the counters (204)
 * </pre>
 */
final class AdminApi {

  static final String PREFIX = "/__admin/";

  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final long MAX_BODY = 1 << 20;
  private static final String PRODUCTS = PREFIX + "products";

  private final Catalog catalog;
  private final Faults faults;
  private final Stats stats;

  AdminApi(Catalog catalog, Faults faults, Stats stats) {
    this.catalog = catalog;
    this.faults = faults;
    this.stats = stats;
  }

  /** Handles a request whose path starts with {@link #PREFIX}. */
  void handle(HttpServerRequest request, String path) {
    String p = path.length() > PREFIX.length() && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    HttpMethod method = request.method();
    switch (p) {
      case PREFIX + "faults" -> {
        if (method == HttpMethod.GET) {
          Responses.json(request.response(), 200, faults.current().toJson());
        } else if (method == HttpMethod.POST) {
          withJsonBody(request, body -> {
            FaultSettings updated = faults.update(body);
            LOG.info("faults set to {}", updated);
            return new Reply(200, updated.toJson());
          });
        } else {
          Responses.methodNotAllowed(request.response(), "GET, POST");
        }
      }
      case PRODUCTS -> {
        if (method == HttpMethod.POST) {
          upsert(request);
        } else {
          Responses.methodNotAllowed(request.response(), "POST");
        }
      }
      case PRODUCTS + "/raw" -> {
        if (method == HttpMethod.POST) {
          putRaw(request);
        } else {
          Responses.methodNotAllowed(request.response(), "POST");
        }
      }
      case PREFIX + "stats" -> {
        if (method == HttpMethod.GET) {
          Responses.json(request.response(), 200, stats.toJson());
        } else {
          Responses.methodNotAllowed(request.response(), "GET");
        }
      }
      case PREFIX + "stats/reset" -> {
        if (method == HttpMethod.POST) {
          stats.reset();
          request.response().setStatusCode(204).end();
        } else {
          Responses.methodNotAllowed(request.response(), "POST");
        }
      }
      default -> {
        if (p.startsWith(PRODUCTS + "/") && p.indexOf('/', PRODUCTS.length() + 1) < 0) {
          if (method == HttpMethod.DELETE) {
            delete(request, p.substring(PRODUCTS.length() + 1));
          } else {
            Responses.methodNotAllowed(request.response(), "DELETE");
          }
        } else {
          Responses.send(request.response(), 404, Responses.NOT_FOUND);
        }
      }
    }
  }

  private record Reply(int status, JsonObject body) { }

  private void upsert(HttpServerRequest request) {
    withJsonBody(request, body -> {
      Product product = Product.fromJson(body);
      boolean added = catalog.upsert(product);
      LOG.info("product {} {}", product.id(), added ? "added" : "replaced");
      return new Reply(added ? 201 : 200, product.toJson());
    });
  }

  /**
   * {@code {"id": uuid, "body": text}} or {@code {"id": uuid, "bodyBase64": bytes}}: what {@code GET /api/product/{id}}
   * answers from now on (200, application/json), unchecked: a product the real API could send by mistake. 201 if the
   * id had no raw body, 200 if it replaced one; {@code DELETE /__admin/products/{id}} removes it.
   */
  private void putRaw(HttpServerRequest request) {
    withJsonBody(request, body -> {
      List<BadRequest.FieldError> errors = new ArrayList<>();
      UUID id = null;
      try {
        id = body.getValue("id") instanceof String s && s.length() == 36 ? UUID.fromString(s) : null;
      } catch (IllegalArgumentException e) {
        // reported below
      }
      if (id == null) {
        errors.add(new BadRequest.FieldError("id", "is required and must be a UUID"));
      }
      Object text = body.getValue("body");
      Object base64 = body.getValue("bodyBase64");
      Buffer raw = null;
      if (text instanceof String t && base64 == null) {
        raw = Buffer.buffer(t.getBytes(StandardCharsets.UTF_8));
      } else if (base64 instanceof String b && text == null) {
        try {
          raw = Buffer.buffer(Base64.getDecoder().decode(b));
        } catch (IllegalArgumentException e) {
          errors.add(new BadRequest.FieldError("bodyBase64", "must be base64"));
        }
      } else {
        errors.add(new BadRequest.FieldError("body", "exactly one of body (a string) and bodyBase64 is required"));
      }
      if (!errors.isEmpty()) {
        throw new BadRequest(errors);
      }
      boolean added = catalog.putRaw(id, raw);
      LOG.info("product {} served raw ({} bytes)", id, raw.length());
      return new Reply(added ? 201 : 200, new JsonObject().put("id", id.toString()).put("bytes", raw.length()));
    });
  }

  private void delete(HttpServerRequest request, String id) {
    if (catalog.delete(id)) {
      LOG.info("product {} deleted", id);
      request.response().setStatusCode(204).end();
    } else {
      Responses.send(request.response(), 404, Responses.PRODUCT_NOT_FOUND);
    }
  }

  /** Reads the body as a JSON object and answers with the action's reply; 400 for a bad body or BadRequest. */
  private static void withJsonBody(HttpServerRequest request, Function<JsonObject, Reply> action) {
    if (tooLarge(request)) {
      Responses.json(request.response(), 413, new JsonObject().put("error", "body too large"));
      return;
    }
    request.body()
        .onFailure(e -> LOG.debug("admin body not read: {}", e.getMessage()))
        .onSuccess(buffer -> {
          JsonObject body;
          try {
            body = buffer.length() == 0 ? null : buffer.toJsonObject();
          } catch (RuntimeException e) {
            body = null;                          // not JSON, or not an object
          }
          try {
            if (body == null) {
              throw BadRequest.of("body", "must be a JSON object");
            }
            Reply reply = action.apply(body);
            Responses.json(request.response(), reply.status(), reply.body());
          } catch (BadRequest e) {
            Responses.json(request.response(), 400, e.toJson());
          }
        });
  }

  private static boolean tooLarge(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length != null && Long.parseLong(length) > MAX_BODY;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
