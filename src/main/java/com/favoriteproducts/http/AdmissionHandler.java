package com.favoriteproducts.http;

import com.favoriteproducts.auth.Admission;
import com.favoriteproducts.auth.Denylist;
import com.favoriteproducts.auth.Principal;
import com.favoriteproducts.config.RateLimitConfig;
import com.favoriteproducts.config.RateLimitConfig.Bucket;
import com.favoriteproducts.metrics.AppMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs after JWT verification on every authenticated route: refuses a revoked token (401: the node's in-memory
 * revocations, {@link Denylist}, no I/O) and a principal over its rate limit (429: {@link Admission}, which spends
 * from a local lease and asks Redis only for a new one).
 *
 * <p>Headers from draft-ietf-httpapi-ratelimit-headers-10 (sections 3 and 4) on every throttled-or-not response
 * while rate limiting is on: {@code RateLimit-Policy: "customer";q=<burst>;w=<seconds to fill>} (constant per scope)
 * and {@code RateLimit: "customer";r=<tokens left>;t=<seconds>}, where {@code r} is what the principal may still
 * spend (the bucket's tokens at this instance's last lease plus what is left of the lease), {@code t} the time until
 * the bucket is full again, or on a 429 the time until the request's cost is available, which is also {@code Retry-After}.
 * When Redis cannot be asked the request passes without these headers (fail open; the metric
 * {@code ratelimit_unchecked_total} counts such requests, {@code /health/ready} says {@code ratelimit: DOWN}).
 */
final class AdmissionHandler implements Handler<RoutingContext> {

  private static final CharSequence RATELIMIT = HttpHeaders.createOptimized("RateLimit");
  private static final CharSequence RATELIMIT_POLICY = HttpHeaders.createOptimized("RateLimit-Policy");

  private final Admission admission;
  private final Denylist denylist;
  private final boolean enabled;
  private final CharSequence customerPolicy;
  private final CharSequence adminPolicy;
  private final Counter limitedCustomer;
  private final Counter limitedAdmin;
  private final Counter unchecked;

  AdmissionHandler(Admission admission, Denylist denylist, AppMetrics metrics) {
    this.admission = admission;
    this.denylist = denylist;
    RateLimitConfig config = admission.config();
    this.enabled = config.enabled();
    this.customerPolicy = HttpHeaders.createOptimized(policy(Principal.CUSTOMER, config.customer()));
    this.adminPolicy = HttpHeaders.createOptimized(policy(Principal.ADMIN, config.admin()));
    this.limitedCustomer = metrics.counter("ratelimit.limited", "Requests refused with 429, by scope",
      "scope", Principal.CUSTOMER);
    this.limitedAdmin = metrics.counter("ratelimit.limited", "Requests refused with 429, by scope",
      "scope", Principal.ADMIN);
    this.unchecked = metrics.counter("ratelimit.unchecked", "Requests let through without a rate limit check"
      + " because Redis did not answer a lease call: fail open");
  }

  static String policy(String name, Bucket bucket) {
    return "\"" + name + "\";q=" + bucket.burst() + ";w=" + bucket.windowSeconds();
  }

  @Override
  public void handle(RoutingContext rc) {
    Principal p = Principal.of(rc);
    if (p == null) {
      Problems.send(rc, 401, "a bearer token is required");
      return;
    }
    if (denylist.isRevoked(p.jti())) {
      Problems.send(rc, 401, "this token has been revoked");
      return;
    }
    if (!enabled) {
      rc.next();
      return;
    }
    HttpMethod m = rc.request().method();
    boolean write = m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE;
    // The decision may complete on another request's context (one Redis call answers every waiter of a lease): the
    // request goes on in its own, so what it does next is traced (and context-local) as part of it.
    ContextInternal own = ContextInternal.current();
    admission.check(p, write).onComplete(ar -> {
      if (own != null && !own.isRunningOnContext()) {
        if (own.inThread()) {
          own.emit(ar, x -> decided(rc, p, write, x));
        } else {
          own.runOnContext(v -> decided(rc, p, write, ar));
        }
        return;
      }
      decided(rc, p, write, ar);
    });
  }

  private void decided(RoutingContext rc, Principal p, boolean write, io.vertx.core.AsyncResult<Admission.Decision> ar) {
    {
      Admission.Decision d = ar.succeeded() ? ar.result() : Admission.Decision.UNCHECKED;
      if (!d.checked()) {
        unchecked.increment();
        rc.next();
        return;
      }
      MultiMap h = rc.response().headers();
      String scope = p.isAdmin() ? Principal.ADMIN : Principal.CUSTOMER;
      h.set(RATELIMIT_POLICY, p.isAdmin() ? adminPolicy : customerPolicy);
      if (d.allowed()) {
        h.set(RATELIMIT, "\"" + scope + "\";r=" + d.remaining() + ";t=" + seconds(d.fullInMs()));
        rc.next();
        return;
      }
      (p.isAdmin() ? limitedAdmin : limitedCustomer).increment();
      long retryAfter = Math.max(1, seconds(d.retryAfterMs()));
      h.set(RATELIMIT, "\"" + scope + "\";r=0;t=" + retryAfter);
      h.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      Bucket b = admission.bucket(p);
      Problems.send(rc, 429, "rate limit exceeded: this " + scope + " may make " + b.rate()
        + " requests per second (bursts of " + b.burst() + (write ? "; a write counts as "
        + admission.config().writeCost() : "") + "); retry after " + retryAfter + " s");
    }
  }

  private static long seconds(long ms) {
    return (ms + 999) / 1000;
  }
}
