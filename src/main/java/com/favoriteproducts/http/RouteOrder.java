package com.favoriteproducts.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The contract as the router builder sees it: the same paths and operations, the templated paths the shop apps call
 * most tried first.
 *
 * <p>vertx-web 5.0.7 tries a request against its routes in order, and for a route with a path parameter it runs the
 * route's regular expression before it looks at the method ({@code RouteState.matches}). vertx-openapi puts the
 * literal paths first, as OpenAPI asks, and then the templated ones in alphabetical order, so a favorites list
 * ({@code /v1/customers/{customerId}/favorites}) was tried against the four webhook routes and the four
 * {@code /v1/customers/{id}} routes first. A miss on {@code /v1/customers/(?<p0>[^/]+)/?} backtracks over the whole
 * customer id: in a profile of the cached list, route matching was 8% of the event loops, most of it those misses.
 *
 * <p>Only the order in which templated paths are tried changes, and only when no two of them can match the same
 * request path (OpenAPI forbids templated paths of the same shape, but two shapes can still overlap, e.g.
 * {@code /a/{x}/b} and {@code /a/b/{y}}): then which route matches does not depend on their order, and a 405
 * (path known, method not) is decided over all routes either way. Literal paths stay first, in the library's order.
 */
final class RouteOrder {

  private static final Logger LOG = LoggerFactory.getLogger(RouteOrder.class);

  /** The paths of the shop apps' traffic, most requested first (reads, then adds and removals). */
  static final List<String> FIRST = List.of("/v1/customers/{customerId}/favorites", "/v1/customers/{id}",
    "/v1/customers/{customerId}/favorites/{productId}");

  private RouteOrder() {
  }

  /** {@code contract} with its paths in {@link #order} order (the same contract when that order is the library's). */
  static OpenAPIContract of(OpenAPIContract contract) {
    List<Path> paths = contract.getPaths();
    Map<String, Path> byName = paths.stream().collect(Collectors.toMap(Path::getName, Function.identity()));
    List<String> library = paths.stream().map(Path::getName).toList();
    List<String> names = order(library, FIRST);
    if (names.equals(library)) {
      return contract;
    }
    return new Reordered(contract, names.stream().map(byName::get).toList());
  }

  /**
   * {@code names} (the library's order: literal paths, then templated ones) with the templated paths of
   * {@code first} moved ahead of the other templated paths, in {@code first}'s order. Unchanged when two templated
   * paths overlap ({@link #overlap}); a name of {@code first} that is not in {@code names} is skipped.
   */
  static List<String> order(List<String> names, List<String> first) {
    List<String> literal = new ArrayList<>();
    List<String> templated = new ArrayList<>();
    for (String name : names) {
      (name.indexOf('{') < 0 ? literal : templated).add(name);
    }
    for (int i = 0; i < templated.size(); i++) {
      for (int j = i + 1; j < templated.size(); j++) {
        if (overlap(templated.get(i), templated.get(j))) {
          LOG.warn("contract paths {} and {} can match the same request: their routes keep the library's order",
            templated.get(i), templated.get(j));
          return names;
        }
      }
    }
    List<String> out = new ArrayList<>(literal);
    first.stream().filter(templated::contains).forEach(out::add);
    templated.stream().filter(name -> !first.contains(name)).forEach(out::add);
    return out;
  }

  /**
   * Whether some request path matches both templates: as many segments, and in each place the same literal or a
   * parameter in either (a parameter matches one non-empty segment: vertx-web's {@code [^/]+}).
   */
  static boolean overlap(String a, String b) {
    String[] x = a.split("/", -1);
    String[] y = b.split("/", -1);
    if (x.length != y.length) {
      return false;
    }
    for (int i = 0; i < x.length; i++) {
      if (!isParameter(x[i]) && !isParameter(y[i]) && !x[i].equals(y[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean isParameter(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }

  /** Everything from the parsed contract, the paths in another order. */
  private record Reordered(OpenAPIContract contract, List<Path> paths) implements OpenAPIContract {

    @Override
    public List<Path> getPaths() {
      return paths;
    }

    @Override
    public Operation operation(String operationId) {
      return contract.operation(operationId);
    }

    @Override
    public List<Operation> operations() {
      return contract.operations();
    }

    @Override
    public JsonObject getRawContract() {
      return contract.getRawContract();
    }

    @Override
    public OpenAPIVersion getVersion() {
      return contract.getVersion();
    }

    @Override
    public SchemaRepository getSchemaRepository() {
      return contract.getSchemaRepository();
    }

    @Override
    public List<Server> getServers() {
      return contract.getServers();
    }

    @Override
    public Path findPath(String urlPath) {
      return contract.findPath(urlPath);
    }

    @Override
    public Operation findOperation(String urlPath, HttpMethod method) {
      return contract.findOperation(urlPath, method);
    }

    @Override
    public List<SecurityRequirement> getSecurityRequirements() {
      return contract.getSecurityRequirements();
    }

    @Override
    public SecurityScheme securityScheme(String name) {
      return contract.securityScheme(name);
    }
  }
}
