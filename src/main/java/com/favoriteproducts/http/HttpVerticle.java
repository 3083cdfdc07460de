package com.favoriteproducts.http;

import com.favoriteproducts.auth.Admission;
import com.favoriteproducts.auth.CachingJwtAuth;
import com.favoriteproducts.auth.Denylist;
import com.favoriteproducts.logging.LogContext;
import com.favoriteproducts.auth.TokenIssuer;
import com.favoriteproducts.bus.Addresses;
import com.favoriteproducts.bus.LoopAffinity;
import com.favoriteproducts.config.HttpConfig;
import com.favoriteproducts.config.JobsConfig;
import com.favoriteproducts.config.JwtConfig;
import com.favoriteproducts.config.MetricsConfig;
import com.favoriteproducts.config.ProductsConfig;
import com.favoriteproducts.config.RateLimitConfig;
import com.favoriteproducts.config.RedisConfig;
import com.favoriteproducts.config.RevocationConfig;
import com.favoriteproducts.config.ShutdownConfig;
import com.favoriteproducts.metrics.AppMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The REST edge: routing and validation from the OpenAPI contract, authentication, problems. No SQL here. */
public class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String CONTRACT = "openapi.yaml";

  /** The parsed contract, shared by the instances of one deployment ({@link #contract(Vertx)}). */
  private final Future<OpenAPIContract> sharedContract;
  private final List<MessageConsumer<JsonObject>> invalidations = new ArrayList<>();
  private Denylist denylist;
  private Admission admission;
  private HttpServer server;

  /** An instance that builds its router from {@code contract} (see {@link #contract(Vertx)}). */
  public HttpVerticle(Future<OpenAPIContract> contract) {
    this.sharedContract = java.util.Objects.requireNonNull(contract, "contract");
  }

  /**
   * Parses the contract once for all the HTTP instances of a node. Parsing checks the whole document against the
   * OpenAPI meta-schema: about a second of CPU at start on two cores, and it was the last thing the port waited for
   * when every instance did it. The parsed contract is only read after that (its operations, and its schema
   * repository, a concurrent map, to build the validators), so the instances can share it.
   */
  public static Future<OpenAPIContract> contract(Vertx vertx) {
    return OpenAPIContract.from(vertx, CONTRACT);
  }

  @Override
  public Future<?> start() {
    JsonObject config = config();
    HttpConfig http = HttpConfig.from(config);
    MetricsConfig metrics = MetricsConfig.from(config);
    ProductsConfig products = ProductsConfig.from(config);
    JwtConfig jwt = JwtConfig.from(config);
    JWTAuth jwtAuth = new CachingJwtAuth(jwt.jwtAuth(vertx), 10_000, jwt.leewaySeconds());
    denylist = new Denylist(vertx, RedisConfig.from(config).options(), RevocationConfig.from(config));
    admission = new Admission(vertx, RedisConfig.from(config).options(), RateLimitConfig.from(config),
      AppMetrics.from(config));
    Bus bus = new Bus(vertx, http.eventbusTimeoutMs());
    LoopAffinity affinity = LoopAffinity.of(vertx);
    if (affinity != null) {
      affinity.edge();
    }
    ConnectionGuard guard = new ConnectionGuard(vertx, http, AppMetrics.from(config));

    // A cached page never outlives the freshness of the product data in it (PRODUCTS_CACHE_TTL_SECONDS).
    long cacheTtl = Math.min(http.responseCacheTtlMs(), 1000L * products.cacheTtlSeconds());
    ResponseCache cache = ResponseCache.shared(vertx, http.responseCacheSize(), http.responseCacheMaxBytes(),
      http.responseCacheMaxBytesPerCustomer(), cacheTtl, AppMetrics.from(config));
    for (String address : List.of(Addresses.CUSTOMERS_CHANGED, Addresses.FAVORITES_ADDED, Addresses.FAVORITES_REMOVED)) {
      invalidations.add(vertx.eventBus().<JsonObject>consumer(address,
        m -> cache.invalidate(m.body() == null ? null : m.body().getString("customerId"))));
    }
    AuthHandlers auth = new AuthHandlers(jwt, new TokenIssuer(jwtAuth, jwt), denylist, bus);
    Operation.Handlers handlers = new Operation.Handlers(new HealthHandlers(vertx, bus, denylist, admission), auth,
      new CustomerHandlers(bus, cache),
      new FavoriteHandlers(vertx, bus, JobsConfig.from(config).waitMaxSeconds(), http.waitMaxConcurrent(), cache),
      new ProductHandlers(bus, (products.breakerResetMs() + 999) / 1000), new WebhookHandlers(bus));

    Future<Buffer> contractText = vertx.fileSystem().readFile(CONTRACT);
    return Future.all(onThisContext(sharedContract), contractText, SwaggerUi.load(vertx), denylist.start(),
        admission.start(),
        Future.all(invalidations.stream().map(MessageConsumer::completion).toList()))
      .compose(all -> {
        OpenAPIContract contract = all.resultAt(0);
        SwaggerUi swagger = all.resultAt(2);
        RequestExtractor extractor = RequestExtractor.withBodyHandler();
        RouterBuilder builder = RouterBuilder.create(vertx, RouteOrder.of(contract), extractor);
        builder.rootHandler((PlatformHandler) HttpVerticle::prepare);
        builder.rootHandler(BodyHandler.create(false).setBodyLimit(http.bodyLimitBytes()));
        builder.rootHandler(Utf8Bodies::check);
        builder.security("bearerAuth").httpHandler(JWTAuthHandler.create(jwtAuth));
        ApiRoutes.bind(builder, contract, handlers, new AdmissionHandler(admission, denylist, AppMetrics.from(config)),
          new InlineValidation(vertx, contract, extractor));
        Router router = builder.createRouter();
        router.route().order(Integer.MIN_VALUE).handler(guard::route);

        Buffer yaml = all.resultAt(1);
        router.get("/openapi.yaml").handler(rc -> rc.response().putHeader("Content-Type", "application/yaml").end(yaml));
        swagger.mount(router, "/docs");
        if (metrics.enabled()) {
          router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registryName()));
        }

        router.route().failureHandler(HttpVerticle::onFailure);
        // The router fails a request before routing it (bad percent-encoding in the path, no Host header) with 400.
        router.errorHandler(400, rc -> Problems.send(rc, 400, "the request is malformed (its path or its Host header)"));
        router.errorHandler(404, rc -> Problems.send(rc, 404, "no such resource: " + rc.request().path()));
        router.errorHandler(405, rc -> Problems.send(rc, 405, rc.request().method() + " is not allowed on " + rc.request().path()));
        router.errorHandler(500, HttpVerticle::onFailure);

        // HTTP/1.1 only (no h2c): with h2c on, Vert.x hands over a connection only once its first bytes arrive, so a
        // client that sends nothing would escape the connection cap and the header timeout.
        HttpServerOptions options = new HttpServerOptions().setPort(http.port()).setHost(http.host())
          .setCompressionSupported(false).setTcpNoDelay(true).setHttp2ClearTextEnabled(false)
          .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, http.idleTimeoutMs()))
          .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        // Open the port only once what serves the requests is deployed (StartGate: prepared in parallel with it).
        return StartGate.awaited(vertx).compose(ready -> vertx.createHttpServer(options)
          .connectionHandler(guard::connected)
          .requestHandler(req -> {
            guard.request(req);
            router.handle(req);
          }).invalidRequestHandler(Problems::invalidRequest).listen());
      })
      .onSuccess(s -> {
        server = s;
        LOG.debug("HTTP verticle listening on port {}", s.actualPort());
      });
  }

  /**
   * {@code f}'s outcome on this verticle's event loop: a shared future completes on the context that parsed it, and
   * what follows (the router, the server's listen) must run on this instance's own.
   */
  private <T> Future<T> onThisContext(Future<T> f) {
    Promise<T> promise = Promise.promise();
    f.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }

  @Override
  public Future<?> stop() {
    // Graceful: stop accepting, let requests in flight finish (bounded), then close.
    long timeout = ShutdownConfig.from(config()).timeoutMs();
    invalidations.forEach(MessageConsumer::unregister);
    Future<Void> closing = server == null ? Future.succeededFuture() : server.shutdown(timeout, TimeUnit.MILLISECONDS);
    return closing.eventually(() -> denylist == null ? Future.succeededFuture() : denylist.close())
      .eventually(() -> admission == null ? Future.succeededFuture() : admission.close());
  }

  /**
   * First handler of every request: a request id, a 400 for a path or query string that cannot be percent-decoded,
   * and the media-type rules the validator does not express (415 for a body that is not JSON;
   * {@code application/merge-patch+json} accepted for PATCH as JSON; any spelling of {@code application/json}).
   */
  private static void prepare(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    String requestId = req.getHeader("X-Request-Id");
    if (requestId == null || !isToken(requestId)) {
      // Only for correlating logs: 64 random bits are plenty, and ThreadLocalRandom does not contend like UUID's.
      requestId = Long.toHexString(ThreadLocalRandom.current().nextLong());
    }
    rc.put("requestId", requestId);
    LogContext.putRequestId(requestId); // for the log lines of this request's callbacks (LOG_FORMAT=json)
    if (LOG.isDebugEnabled()) {
      logWhenDone(rc);
    }
    rc.response().putHeader("X-Request-Id", requestId);
    if (!decodable(rc)) {
      return;
    }
    HttpMethod m = req.method();
    if ((m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH) && hasBody(req)) {
      String ct = req.getHeader("Content-Type");
      String base = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase();
      if (base.equals("application/json") || (m == HttpMethod.PATCH && base.equals("application/merge-patch+json"))) {
        // Media types are case-insensitive and JSON is UTF-8 whatever its parameters say; the validator compares
        // the header literally, so it sees the one form the contract declares.
        req.headers().set("Content-Type", "application/json");
      } else {
        Problems.send(rc, 415, "the body must be application/json"
          + (m == HttpMethod.PATCH ? " or application/merge-patch+json" : "") + ", not " + (ct == null ? "(none)" : ct));
        return;
      }
    }
    rc.next();
  }

  /**
   * DEBUG: one line per request when its response has gone: method, the contract's path template (not the request's
   * path nor its query string, which may carry an email: {@code ?email=}), status and duration.
   */
  private static void logWhenDone(RoutingContext rc) {
    long t0 = System.nanoTime();
    Context requestContext = Vertx.currentContext();
    LogContext.keepTrace(); // the server span has ended when the line below is written
    // A response may end on another context (e.g. a completion event's consumer for Prefer: wait): the line is
    // written on the request's own, so that it carries the request id.
    rc.addEndHandler(v -> LogContext.on(requestContext, () -> {
      Route route = rc.currentRoute();
      LOG.debug("{} {} answered {} in {} ms", rc.request().method(), route == null || route.getPath() == null
        ? "(no route)" : route.getPath(), rc.response().getStatusCode(), (System.nanoTime() - t0) / 1_000_000);
    }));
  }

  /**
   * Whether the path and the query string can be percent-decoded; otherwise answers 400 naming the part (the router
   * and the validator would throw deep inside and answer a bare 400 or a 500).
   */
  private static boolean decodable(RoutingContext rc) {
    try {
      rc.normalizedPath();
    } catch (IllegalArgumentException e) {
      Problems.send(rc, 400, "the request path is not validly percent-encoded",
        Problems.fieldError("path", "has an invalid percent-encoding"));
      return false;
    }
    if (hasDotSegment(rc.request().path())) {
      // The router resolves them (RFC 3986 5.2.4): DELETE .../favorites/%2e%2e would delete the customer itself.
      Problems.send(rc, 400, "the request path has a '.' or '..' segment; no resource of this API is named so",
        Problems.fieldError("path", "has a dot segment"));
      return false;
    }
    String query = rc.request().query();
    if (query == null) {
      return true;
    }
    try {
      rc.request().params(); // decoded once here, kept by the request for the validator and the handlers
      return true;
    } catch (IllegalArgumentException e) {
      Problems.send(rc, 400, "the query string is not validly percent-encoded",
        Problems.fieldError(QueryStrings.undecodableParameter(query), "has an invalid percent-encoding"));
      return false;
    }
  }

  /** 1 to 100 visible ASCII characters: safe to echo in a header and to write to a log line. */
  private static boolean isToken(String s) {
    if (s.isEmpty() || s.length() > 100) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x21 || s.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Whether a segment of the raw path is {@code .} or {@code ..}, literally or percent-encoded ({@code %2e}). */
  static boolean hasDotSegment(String rawPath) {
    if (rawPath == null || (rawPath.indexOf('.') < 0 && rawPath.indexOf('%') < 0)) {
      return false;
    }
    for (String segment : rawPath.split("/", -1)) {
      String s = segment.replace("%2e", ".").replace("%2E", ".");
      if (s.equals(".") || s.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasBody(HttpServerRequest req) {
    String len = req.getHeader("Content-Length");
    return (len != null && !len.equals("0")) || req.getHeader("Transfer-Encoding") != null;
  }

  static void onFailure(RoutingContext rc) {
    Throwable failure = rc.failure();
    int status = rc.statusCode();
    Throwable cause = failure;
    if (failure instanceof HttpException he) {
      status = he.getStatusCode();
      cause = he.getCause();
    }
    if (cause instanceof ValidatorException ve) {
      Problems.send(rc, 400, ValidationErrors.detail(ve), ValidationErrors.errors(ve));
      return;
    }
    if (cause instanceof BadInput bad) {
      Problems.send(rc, 400, bad.getMessage(), bad.errors());
      return;
    }
    if (failure instanceof DecodeException) {
      // JSON a handler decoded itself: the client's body, never a server error. (As the cause of an HttpException,
      // e.g. a token that is not a JWT, the exception's own status stands.)
      Problems.send(rc, 400, "the request body is not valid JSON", Problems.fieldError("body", "is not valid JSON"));
      return;
    }
    switch (status) {
      case 401 -> Problems.send(rc, 401, "a valid bearer token is required");
      case 403 -> Problems.send(rc, 403, "not allowed");
      case 404 -> Problems.send(rc, 404, "no such resource: " + rc.request().path());
      case 405 -> Problems.send(rc, 405, rc.request().method() + " is not allowed on " + rc.request().path());
      case 413 -> Problems.send(rc, 413, "the body is larger than the limit");
      case 415 -> Problems.send(rc, 415, "unsupported media type");
      case 400 -> Problems.send(rc, 400, "the request is invalid");
      default -> {
        if (status >= 400 && status < 500) {
          Problems.send(rc, status, null);
        } else {
          LOG.error("request {} {} {} failed", rc.get("requestId"), rc.request().method(), rc.request().path(), failure);
          Problems.send(rc, 500, "unexpected error; the request id is " + rc.get("requestId"));
        }
      }
    }
  }
}
