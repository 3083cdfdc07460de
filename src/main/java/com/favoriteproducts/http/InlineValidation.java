package com.favoriteproducts.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.analyser.ContentAnalyser;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.LabelTransformer;
import io.vertx.openapi.validation.transformer.MatrixTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Validates requests against the contract on the event loop, with the same validator and the same result
 * ({@link ValidatedRequest} under {@link RouterBuilder#KEY_META_DATA_VALIDATED_REQUEST}, failures as
 * {@code HttpException(400, ValidatorException)}) as the router's own validation handler.
 *
 * <p>Why: in vertx-openapi 5.0.7, {@code RequestValidator.validate} runs every validation through an ordered
 * {@code executeBlocking}, a worker-thread round trip that serializes all requests of an event loop. Bodies are
 * capped at BODY_LIMIT_BYTES, so validating in place is cheap and bounded. Pinned to vertx-openapi 5.0.7 by the BOM;
 * the public {@code validateParameter}/{@code validateBody} of {@link RequestValidatorImpl} are what its own code
 * calls.
 */
final class InlineValidation {

  private static final String COULD_NOT_VALIDATE = "the request holds a value that could not be validated";

  private final RequestValidatorImpl validator;
  private final RequestExtractor extractor;
  private final OpenAPIContract contract;
  /**
   * What each parameter is checked with, worked out once per operation when its route is built ({@link #handler}):
   * its schema validator (the library's {@code validateParameter} builds a new one, copying the whole schema
   * repository, for every parameter of every request), and whether its schema is exactly
   * {@code {type: string, format: uuid}} (every id in the contract): a valid UUID is then checked by hand, without the
   * validator's format regex. Any other value still goes through the validator, so errors read the same.
   */
  private record Check(Validator validator, boolean plainUuid, Bounds integer, Bounds string) {
  }

  /**
   * Inclusive bounds of a schema that is only {@code {type: integer, minimum, maximum[, default]}} (the value) or
   * {@code {type: string, minLength, maxLength[, default]}} (the length in code points), either bound optional. A
   * value well inside them is checked by hand; anything else goes to the validator.
   */
  record Bounds(long min, long max) {
    boolean holds(long v) {
      return v >= min && v <= max;
    }

    /** The bounds of {@code {type: integer, minimum, maximum[, default]}}, or null for any other schema. */
    static Bounds ofInteger(JsonSchema schema) {
      return bounds(schema, "integer", "minimum", "maximum");
    }

    /** The bounds of {@code {type: string, minLength, maxLength[, default]}}, or null for any other schema. */
    static Bounds ofString(JsonSchema schema) {
      return bounds(schema, "string", "minLength", "maxLength");
    }
  }

  private final Map<Parameter, Check> checks = new IdentityHashMap<>();
  /**
   * The schema validator of each request-body media type, built once when its route is built ({@link #handler}). The
   * library's {@code validateBody} builds a new one for every request, copying the whole schema repository: on a
   * customer create that was over half of the body's validation and about a sixth of the event loops.
   */
  private final Map<MediaType, Validator> bodyValidators = new IdentityHashMap<>();
  private final Map<Style, ParameterTransformer> transformers = new EnumMap<>(Style.class);

  InlineValidation(Vertx vertx, OpenAPIContract contract, RequestExtractor extractor) {
    this.validator = new RequestValidatorImpl(vertx, contract);
    this.extractor = extractor;
    this.contract = contract;
    transformers.put(Style.SIMPLE, new SimpleTransformer());
    transformers.put(Style.LABEL, new LabelTransformer());
    transformers.put(Style.MATRIX, new MatrixTransformer());
    transformers.put(Style.FORM, new FormTransformer());
  }

  /** What {@code RequestValidatorImpl.validateParameter} does, with the validator built once per parameter. */
  private RequestParameter validateParameter(Parameter p, RequestParameter value) {
    if (value == null || value.isNull()) {
      if (p.isRequired()) {
        throw ValidatorException.createMissingRequiredParameter(p);
      }
      return new RequestParameterImpl(null);
    }
    ParameterTransformer transformer = transformers.get(p.getStyle());
    if (transformer == null) {
      return validator.validateParameter(p, value);
    }
    Check check = checks.get(p);
    String raw = String.valueOf(value.get());
    if (check.plainUuid() && isUuid(raw)) {
      return new RequestParameterImpl(raw); // what the schema validator would accept, without running it
    }
    Object inBounds = inBounds(check.integer(), check.string(), raw);
    if (inBounds != null) {
      return new RequestParameterImpl(inBounds);
    }
    Object transformed = isPlainString(p, raw) ? raw : transformer.transform(p, raw);
    OutputUnit result = check.validator().validate(transformed);
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createErrorFromOutputUnitType(p, result, e);
    }
    return new RequestParameterImpl(transformed);
  }

  /**
   * A string parameter that is not JSON-quoted is its own value. The library's transformer tries
   * {@code Json.decodeValue} first for anything but {@code \w+} (a UUID has dashes), which throws and fills a stack
   * trace per parameter per request before it falls back to the string: profiling showed it on every path with an id.
   * It would also turn {@code -1} or {@code [1]} into a number or an array and refuse them as strings; here they stay
   * strings, which is what the schema says.
   */
  private static boolean isPlainString(Parameter p, String raw) {
    return p.getSchemaType() == SchemaType.STRING && unquoted(raw);
  }

  /** Not empty and not JSON-quoted: a string value that is its own value. */
  private static boolean unquoted(String raw) {
    return !raw.isEmpty() && raw.charAt(0) != '"';
  }

  private Check checkOf(Parameter p) {
    var schema = p.getSchema();
    boolean plainUuid = schema != null && schema.fieldNames().equals(java.util.Set.of("type", "format"))
      && "string".equals(schema.get("type")) && "uuid".equals(schema.get("format"));
    return new Check(contract.getSchemaRepository().validator(p.getSchema()), plainUuid,
      Bounds.ofInteger(schema), Bounds.ofString(schema));
  }

  /** The bounds of a schema made of {@code type} (= {@code type}), the two bound keywords and a default; else null. */
  private static Bounds bounds(JsonSchema schema, String type, String minKey, String maxKey) {
    if (schema == null || !type.equals(schema.get("type"))
      || !java.util.Set.of("type", minKey, maxKey, "default").containsAll(schema.fieldNames())) {
      return null;
    }
    Object min = schema.get(minKey);
    Object max = schema.get(maxKey);
    if ((min != null && !(min instanceof Integer || min instanceof Long))
      || (max != null && !(max instanceof Integer || max instanceof Long))) {
      return null;
    }
    return new Bounds(min == null ? Long.MIN_VALUE : ((Number) min).longValue(),
      max == null ? Long.MAX_VALUE : ((Number) max).longValue());
  }

  /**
   * The value of {@code raw} when it is well inside the bounds of a plain integer or string schema (see {@link Bounds}),
   * as the validator would hand it on: a plain decimal as an Integer (what the transformer decodes), a string not
   * JSON-quoted as itself (as {@link #isPlainString}). Null: the validator decides.
   */
  static Object inBounds(Bounds integer, Bounds string, String raw) {
    if (integer != null) {
      int v = plainInt(raw);
      return v >= 0 && integer.holds(v) ? v : null;
    }
    if (string != null && unquoted(raw) && string.holds(raw.codePointCount(0, raw.length()))) {
      return raw;
    }
    return null;
  }

  /**
   * A non-negative decimal of at most nine digits without a sign or leading zeros (as JSON writes it), or -1. Only such
   * a value skips the validator: "007", "+7", "-1", "7.0" or "1e2" take the library's path and its answer.
   */
  static int plainInt(String s) {
    int n = s.length();
    if (n == 0 || n > 9 || (n > 1 && s.charAt(0) == '0')) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** 8-4-4-4-12 hexadecimal digits, as the JSON-schema {@code uuid} format. */
  static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  Handler<RoutingContext> handler(Operation operation) {
    operation.getParameters().forEach(p -> checks.computeIfAbsent(p, this::checkOf));
    if (operation.getRequestBody() != null) {
      for (MediaType type : operation.getRequestBody().getContent().values()) {
        if (type.getSchema() != null && !binary(type)) {
          bodyValidators.computeIfAbsent(type, t -> contract.getSchemaRepository().validator(t.getSchema()));
        }
      }
    }
    return rc -> extract(rc, operation).onComplete(ar -> {
      if (ar.failed()) {
        fail(rc, ar.cause());
        return;
      }
      ValidatedRequest validated;
      try {
        validated = validate(ar.result(), operation);
      } catch (RuntimeException e) {
        fail(rc, e);
        return;
      }
      rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
      rc.next();
    });
  }

  /** The request as the validator reads it; reading a query string or a cookie that cannot be decoded is a 400. */
  private Future<ValidatableRequest> extract(RoutingContext rc, Operation operation) {
    try {
      return extractor.extractValidatableRequest(rc, operation);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new BadInput("the request cannot be decoded",
        Problems.fieldError("query", "cannot be decoded"), e));
    }
  }

  /**
   * Every failure of validation is the client's: a {@link ValidatorException} as the router would raise it, and anything
   * else the validator throws (vertx-json-schema 5.0.7's {@code format: email} throws on an empty string, for one)
   * already arrives as a {@link BadInput} naming the field (see {@link #checked}, {@link #checkedBody}).
   */
  private static void fail(RoutingContext rc, Throwable err) {
    rc.fail(err instanceof ValidatorException || err instanceof BadInput ? new HttpException(400, err.getMessage(), err)
      : err);
  }

  /**
   * What {@code RequestValidatorImpl.validateBody} (with {@code BaseValidator.validate}) does, with the schema
   * validator built once per media type ({@link #bodyValidators}). A media type without one (no schema, a binary
   * string, or one the contract does not declare) goes to the library as before.
   */
  RequestParameter validateBody(RequestBody body, ValidatableRequest request) {
    if (body == null) {
      return new RequestParameterImpl(null);
    }
    if (request.getBody() == null || request.getBody().isEmpty()) {
      if (body.isRequired()) {
        throw new ValidatorException("The related request does not contain the required body.",
          ValidatorErrorType.MISSING_REQUIRED_PARAMETER);
      }
      return new RequestParameterImpl(null);
    }
    MediaType type = body.determineContentType(request.getContentType());
    Validator schema = type == null ? null : bodyValidators.get(type);
    if (schema == null) {
      return validator.validateBody(body, request);
    }
    Buffer content = request.getBody().getBuffer(Buffer.buffer());
    ContentAnalyser analyser = ContentAnalyser.getContentAnalyser(type, request.getContentType(), content,
      ValidationContext.REQUEST);
    if (analyser == null) {
      return validator.validateBody(body, request);
    }
    analyser.checkSyntacticalCorrectness(); // a ValidatorException for a body that does not parse, as the library
    Object value = analyser.transform();
    OutputUnit result = schema.validate(value);
    try {
      result.checkValidity();
      return new RequestParameterImpl(value);
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createInvalidValueBody(result,
        ValidationContext.REQUEST, e);
    }
  }

  /** {@code {type: string, format: binary}} alone: the library passes such a body on unvalidated (no validator). */
  private static boolean binary(MediaType type) {
    JsonSchema schema = type.getSchema();
    return "string".equalsIgnoreCase(schema.get("type")) && "binary".equalsIgnoreCase(schema.get("format"))
      && schema.fieldNames().size() == 2;
  }

  /**
   * {@code validateBody}; anything it throws that is not a {@link ValidatorException} is a value it could not check,
   * refused as a 400 naming the properties it threw on (not a 500: the input caused it).
   */
  private RequestParameter checkedBody(Operation operation, ValidatableRequest request) {
    try {
      return validateBody(operation.getRequestBody(), request);
    } catch (ValidatorException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInput(COULD_NOT_VALIDATE, crashingFields(operation, request), e);
    }
  }

  /**
   * The top-level body properties the validator throws on when given alone (each checked with its own schema), or
   * {@code body} when the crash cannot be narrowed down. Only runs after a crash, so its cost does not matter.
   */
  private JsonArray crashingFields(Operation operation, ValidatableRequest request) {
    JsonArray out = new JsonArray();
    try {
      Object body = io.vertx.core.json.Json.decodeValue(request.getBody().getBuffer(Buffer.buffer()));
      JsonSchema schema = operation.getRequestBody().determineContentType(request.getContentType()).getSchema();
      Object properties = schema == null ? null : schema.get("properties");
      if (body instanceof JsonObject json && properties instanceof JsonObject props) {
        for (String name : json.fieldNames()) {
          if (props.getValue(name) instanceof JsonObject sub && crashes(sub, json.getValue(name))) {
            out.add(new JsonObject().put("field", name).put("message", "could not be validated"));
          }
        }
      }
    } catch (RuntimeException e) {
      // fall through to "body"
    }
    return out.isEmpty() ? Problems.fieldError("body", "could not be validated") : out;
  }

  private boolean crashes(JsonObject schema, Object value) {
    try {
      contract.getSchemaRepository().validator(JsonSchema.of(schema)).validate(value);
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** {@link #validateParameter}, with what it throws other than a {@link ValidatorException} a 400 naming {@code p}. */
  private RequestParameter checked(Parameter p, RequestParameter value) {
    try {
      return validateParameter(p, value);
    } catch (ValidatorException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInput(COULD_NOT_VALIDATE, Problems.fieldError(p.getName(), "could not be validated"), e);
    }
  }

  private ValidatedRequest validate(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>(2);
    Map<String, RequestParameter> headers = new HashMap<>(4);
    Map<String, RequestParameter> path = new HashMap<>(4);
    Map<String, RequestParameter> query = new HashMap<>(4);
    for (Parameter p : operation.getParameters()) {
      String name = p.getName();
      switch (p.getIn()) {
        case COOKIE -> cookies.put(name, checked(p, request.getCookies().get(name)));
        case HEADER -> headers.put(name, checked(p, request.getHeaders().get(name)));
        case PATH -> path.put(name, checked(p, request.getPathParameters().get(name)));
        case QUERY -> query.put(name, checked(p, request.getQuery().get(name)));
        default -> throw new IllegalStateException("unsupported parameter location " + p.getIn());
      }
    }
    RequestParameter body = checkedBody(operation, request);
    return new ValidatedRequestImpl(cookies, headers, path, query, body);
  }
}
