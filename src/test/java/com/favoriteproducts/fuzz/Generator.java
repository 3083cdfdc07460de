package com.favoriteproducts.fuzz;

import com.favoriteproducts.fuzz.Contract.Op;
import com.favoriteproducts.fuzz.Contract.Param;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Makes request number {@code index} of a run from the contract alone: the operation (round robin, so every operation
 * gets its share), then a valid request (values from each schema, known ids where the contract names one), a boundary
 * one (a length or number at its limit) or an invalid one (one fault: a field's type, length, format, presence; the
 * body's syntax, bytes or media type; percent-encoding; headers; credentials; the method). The same seed and index
 * give the same choices; ids come from what the service answered before, so they differ between runs.
 */
final class Generator {

  /** The tokens a worker sends: an admin token and, when it can get one, a customer's own. */
  interface Credentials {
    String admin();

    String customer(String customerId);
  }

  private static final String BAD_UTF8 = "\uE000bad-utf8\uE000";
  private static final String[] TEXT = {"a", "Z", "e", "9", " ", "-", "é", "ß", "Ω", "日", "本", "😀", "ñ", "'", "\""};
  /** Text a name or email must not keep as given: controls, lone surrogates, invisible and separator characters. */
  private static final String[] HOSTILE = {"\u0000", "\u0085", "\ud800", "\u200b", "\u0001", "\u2028", "\u001b[31m",
    "\ufeff", "\u007f", "e\u0301", "\b\b\b", "\udc00", "x\ud83d", "\u009b", "\u2029", "\u00ad", "\t", "\r\n"};
  /** Content-Types a JSON body must not be accepted with; null sends none. */
  private static final String[] WRONG_MEDIA = {"text/plain", "application/xml", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/jsonx", "", null};

  private final Contract contract;
  private final Known known;
  private final long seed;

  Generator(Contract contract, Known known, long seed) {
    this.contract = contract;
    this.known = known;
    this.seed = seed;
  }

  /**
   * Request {@code index} of a phase that starts at request {@code phaseStart}. Its operation is
   * {@code index % operations}; its round {@code (index - phaseStart) / operations} sets the mode in a cycle of 20
   * (4 valid, 2 boundary, 4 hostile text, 10 invalid) and, for hostile and invalid rounds, which fault: faults come in
   * groups walked round robin in a seeded order, so every group of every operation is tried in a run of a few
   * thousand requests, with a random variant inside the group. {@code onlyInvalid}: only faults that must be refused.
   */
  FuzzRequest generate(int index, int phaseStart, boolean onlyInvalid, Credentials creds) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + index);
    int ops = contract.operations.size();
    Op op = contract.operations.get(index % ops);
    int round = (index - phaseStart) / ops;
    Draft d = new Draft(op, r, creds);
    d.fillValid();
    int slot = round % 20;
    int cycle = round / 20;
    if (onlyInvalid) {
      d.mode = "invalid";
      d.fault(true, round);
    } else if (slot < 4) {
      d.mode = "valid";
    } else if (slot < 6) {
      d.mode = "boundary";
      d.boundary();
    } else if (slot < 10 && d.hostile(cycle * 4 + slot - 6)) {
      d.mode = "hostile";
    } else {
      d.mode = "invalid";
      d.fault(false, cycle * 14 + slot - 6);
    }
    return d.build(index);
  }

  /**
   * A fault: its group (faults of a group are variants of one another), its label, the field a 400 must name (or
   * null), whether it must be refused, and what it changes.
   */
  private record Fault(String group, String label, String field, boolean mustReject, Consumer<Draft> apply) {
  }

  /** A request being made. */
  private final class Draft {
    final Op op;
    final Random r;
    final Credentials creds;
    String mode;
    String fault;
    String field;
    boolean mustReject;
    String method;
    final Map<String, String> path = new LinkedHashMap<>(); // raw (already encoded) segment values
    final List<String[]> query = new ArrayList<>();         // raw name, raw value (null: no '=')
    final List<String[]> headers = new ArrayList<>();       // ISO-8859-1 byte strings
    Object body;                                            // value tree, or NONE
    byte[] rawBody;                                         // overrides body
    String contentType = "application/json";
    boolean contentLength = true;
    String authorization;
    boolean noHost;
    boolean routed = true;

    Draft(Op op, Random r, Credentials creds) {
      this.op = op;
      this.r = r;
      this.creds = creds;
      this.method = op.method();
    }

    void fillValid() {
      for (Param p : op.params("path")) {
        path.put(p.name(), encode(String.valueOf(validParam(p))));
      }
      for (Param p : op.params("query")) {
        if (p.required() || r.nextBoolean()) {
          query.add(new String[] {p.name(), encode(String.valueOf(validParam(p)))});
        }
      }
      for (Param p : op.params("header")) {
        if (p.required() || r.nextInt(3) == 0) {
          headers.add(new String[] {p.name(), utf8(String.valueOf(validParam(p)))});
        }
      }
      if (op.body() != null) {
        body = value(op.body(), "body");
      }
      if (op.secured()) {
        String customerId = path.getOrDefault("customerId", path.get("id"));
        String token = r.nextInt(4) == 0 ? creds.customer(customerId != null && r.nextInt(4) > 0 ? customerId
          : known.pick("customerId", r)) : null;
        authorization = "Bearer " + (token != null ? token : creds.admin());
      }
    }

    Object validParam(Param p) {
      String k = p.in().equals("path") ? Known.keyOf(p.name(), op.path()) : p.name();
      String v = r.nextInt(10) < 9 ? known.pick(k, r) : null;
      return v != null ? v : value(p.schema(), p.name());
    }

    /** A valid value of the schema; known values for the field's name where there are some. */
    Object value(JsonObject s, String name) {
      String type = type(s);
      if (s.containsKey("enum")) {
        JsonArray e = s.getJsonArray("enum");
        return e.getValue(r.nextInt(e.size()));
      }
      if (type.equals("string") && !name.equals("body") && r.nextInt(10) < 8) {
        String v = known.pick(name, r);
        if (v != null) {
          return v;
        }
      }
      switch (type) {
        case "object": {
          Map<String, Object> o = new LinkedHashMap<>();
          JsonObject props = s.getJsonObject("properties", new JsonObject());
          List<String> required = strings(s.getJsonArray("required"));
          for (String pname : props.fieldNames()) {
            if (required.contains(pname) || r.nextBoolean()) {
              o.put(pname, value(props.getJsonObject(pname), pname));
            }
          }
          int minProps = s.getInteger("minProperties", 0);
          for (String pname : props.fieldNames()) {
            if (o.size() >= minProps) {
              break;
            }
            o.putIfAbsent(pname, value(props.getJsonObject(pname), pname));
          }
          return o;
        }
        case "array": {
          List<Object> a = new ArrayList<>();
          int n = r.nextInt(3);
          for (int i = 0; i < n; i++) {
            a.add(value(s.getJsonObject("items", new JsonObject()), name));
          }
          return a;
        }
        case "integer": {
          long min = s.getLong("minimum", 0L);
          long max = s.getLong("maximum", min + 1000);
          return min + (long) (r.nextDouble() * (max - min + 1));
        }
        case "number":
          return s.getDouble("minimum", 0.0) + r.nextDouble() * 100;
        case "boolean":
          return r.nextBoolean();
        default:
          return string(s, -1);
      }
    }

    /** A string of the schema; {@code length} in code points, or -1 for a random length within its bounds. */
    String string(JsonObject s, int length) {
      String format = s.getString("format");
      if ("uuid".equals(format)) {
        return new UUID(r.nextLong(), r.nextLong()).toString();
      }
      if ("email".equals(format)) {
        return "fz" + Long.toHexString(r.nextLong() & Long.MAX_VALUE) + (r.nextBoolean() ? "@Example.com" : "@example.org");
      }
      if ("date-time".equals(format)) {
        return "2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10) + "T10:00:00Z";
      }
      int min = s.getInteger("minLength", 0);
      int max = s.getInteger("maxLength", Math.max(min, 40));
      int n = length >= 0 ? length : min + r.nextInt(Math.max(1, Math.min(max, 40) - min + 1));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "N" : TEXT[r.nextInt(TEXT.length)]); // a first letter satisfies pattern \S
      }
      return sb.toString();
    }

    void boundary() {
      List<Runnable> options = new ArrayList<>();
      for (Param p : op.params()) {
        JsonObject s = p.schema();
        if (p.in().equals("query") && type(s).equals("integer")) {
          for (String key : List.of("minimum", "maximum")) {
            if (s.containsKey(key)) {
              options.add(() -> setQuery(p.name(), String.valueOf(s.getLong(key))));
            }
          }
        }
        if (!p.in().equals("path") && type(s).equals("string") && s.containsKey("maxLength") && !s.containsKey("format")) {
          options.add(() -> setParam(p, string(s, s.getInteger("maxLength")).replace(' ', 'x').replace('"', 'q')));
        }
      }
      if (body instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked") Map<String, Object> o = (Map<String, Object>) m;
        JsonObject props = op.body().getJsonObject("properties", new JsonObject());
        for (String pname : o.keySet()) {
          JsonObject s = props.getJsonObject(pname);
          if (s != null && type(s).equals("string") && s.getString("format") == null) {
            for (String key : List.of("minLength", "maxLength")) {
              if (s.containsKey(key)) {
                options.add(() -> o.put(pname, string(s, s.getInteger(key))));
              }
            }
          }
        }
      }
      if (!options.isEmpty()) {
        options.get(r.nextInt(options.size())).run();
      }
    }

    void fault(boolean onlyInvalid, int k) {
      List<Fault> faults = faults();
      if (onlyInvalid) {
        faults.removeIf(f -> !f.mustReject());
      }
      Map<String, List<Fault>> groups = new LinkedHashMap<>();
      faults.forEach(f -> groups.computeIfAbsent(f.group(), x -> new ArrayList<>()).add(f));
      List<String> order = new ArrayList<>(groups.keySet());
      java.util.Collections.shuffle(order, new Random(seed ^ op.id().hashCode() ^ (onlyInvalid ? 1 : 0)));
      List<Fault> group = groups.get(order.get(k % order.size()));
      apply(group.get(r.nextInt(group.size())));
    }

    void apply(Fault f) {
      fault = f.label();
      field = f.field();
      mustReject = f.mustReject();
      f.apply().accept(this);
    }

    /**
     * Puts text that must not be stored as given (controls, lone surrogates, invisible characters, a decomposed accent)
     * into a string property of the body: the {@code k}-th pair of property and text, round robin. False when the
     * body has no free-text or email property.
     */
    boolean hostile(int k) {
      if (op.body() == null || !type(op.body()).equals("object")) {
        return false;
      }
      JsonObject props = op.body().getJsonObject("properties", new JsonObject());
      List<String> names = new ArrayList<>();
      for (String pname : props.fieldNames()) {
        JsonObject ps = props.getJsonObject(pname);
        String format = ps.getString("format");
        if (type(ps).equals("string") && (format == null || format.equals("email")) && !ps.containsKey("enum")) {
          names.add(pname);
        }
      }
      if (names.isEmpty()) {
        return false;
      }
      String pname = names.get(k % names.size());
      String h = HOSTILE[(k / names.size()) % HOSTILE.length];
      apply(new Fault("hostile", "body." + pname + " with " + shorten(h), null, false, d -> {
        Object current = d.bodyMap().get(pname);
        String base = current instanceof String str ? str : String.valueOf(value(props.getJsonObject(pname), pname));
        int at = base.indexOf('@');
        int pos = at > 0 ? (r.nextBoolean() ? at : base.length()) : 1 + r.nextInt(Math.max(1, base.length()));
        pos = Math.min(pos, base.length());
        d.bodyMap().put(pname, base.substring(0, pos) + h + base.substring(pos));
      }));
      return true;
    }

    /** Every fault that applies to this operation. */
    List<Fault> faults() {
      List<Fault> out = new ArrayList<>();
      bodyFaults(out);
      for (Param p : op.params()) {
        paramFaults(p, out);
      }
      if (op.secured()) {
        for (String auth : new String[] {null, "Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "bearer a.b.c",
          "Bearer " + forged(), "Bearer " + unsigned(), "Bearer " + "x".repeat(3000), "Token abc", "Bearer \u00ff\u00fe"}) {
          String group = auth == null ? "auth-missing" : auth.length() > 40 && auth.contains(".") ? "auth-forged" : "auth-bad";
          out.add(new Fault(group, "Authorization " + (auth == null ? "missing" : shorten(auth)), null, true,
            d -> d.authorization = auth));
        }
        out.add(new Fault("auth-forged", "Authorization: admin token plus garbage", null, true,
          d -> d.authorization = d.authorization + "garbage"));
      } else {
        out.add(new Fault("auth", "garbage Authorization on a public operation", null, false,
          d -> d.authorization = "Bearer garbage"));
      }
      // The method: one the path does not have.
      for (String m : new String[] {"PATCH", "DELETE", "PUT", "POST", "OPTIONS", "TRACE"}) {
        if (contract.operations.stream().noneMatch(o -> o.path().equals(op.path()) && o.method().equals(m))) {
          out.add(new Fault("method", "method " + m + " not on this path", null, true, d -> {
            d.method = m;
            d.routed = false;
          }));
        }
      }
      // Headers that must not matter.
      out.add(new Fault("headers", "duplicate X-Request-Id", null, false, d -> {
        d.headers.add(new String[] {"X-Request-Id", "a"});
        d.headers.add(new String[] {"X-Request-Id", "b".repeat(150)});
      }));
      out.add(new Fault("headers", "garbage header values", null, false, d -> {
        d.headers.add(new String[] {"X-Garbage", "\u0001\u007f\u0080\u00ff"});
        d.headers.add(new String[] {"Accept", "text/html;q=abc, */*;q=-1"});
        d.headers.add(new String[] {"If-Modified-Since", "yesterday"});
      }));
      out.add(new Fault("headers", "100 extra headers", null, false, d -> {
        for (int i = 0; i < 100; i++) {
          d.headers.add(new String[] {"X-Fuzz-" + i, Long.toHexString(r.nextLong())});
        }
      }));
      out.add(new Fault("headers", "non-UTF-8 bytes in X-Request-Id", null, false,
        d -> d.headers.add(new String[] {"X-Request-Id", "\u00c3\u0028\u00ff"})));
      // HTTP framing the server must refuse (400 and friends), as a problem.
      out.add(new Fault("framing", "header name with a space", null, true, d -> d.headers.add(new String[] {"Bad Header", "x"})));
      out.add(new Fault("framing", "header line without a colon", null, true, d -> d.headers.add(new String[] {"NoColonHere", null})));
      out.add(new Fault("framing", "no Host header", null, true, d -> d.noHost = true));
      out.add(new Fault("framing", "NUL in a header value", null, true, d -> d.headers.add(new String[] {"X-Nul", "a\u0000b"})));
      out.add(new Fault("too-large", "headers over 8 KiB", null, true, d -> d.headers.add(new String[] {"X-Big", "y".repeat(9000)})));
      out.add(new Fault("too-large", "target over 4 KiB", null, true, d -> d.query.add(new String[] {"pad", "p".repeat(5000)})));
      if (op.body() == null) {
        out.add(new Fault("framing", "conflicting Content-Length headers", null, true, d -> {
          d.rawBody = "{}".getBytes(StandardCharsets.UTF_8);
          d.contentLength = false;
          d.headers.add(new String[] {"Content-Length", "2"});
          d.headers.add(new String[] {"Content-Length", "3"});
        }));
      }
      return out;
    }

    void bodyFaults(List<Fault> out) {
      JsonObject s = op.body();
      if (s == null) {
        return;
      }
      if (op.bodyRequired()) {
        out.add(new Fault("no-body", "no body", null, true, d -> d.body = null));
        out.add(new Fault("no-body", "empty body with Content-Length 0", null, true, d -> d.rawBody = new byte[0]));
      }
      for (String media : WRONG_MEDIA) {
        out.add(new Fault("media", "Content-Type " + media, null, true, d -> d.contentType = media));
      }
      out.add(new Fault("too-large-body", "body over 64 KiB", null, true, d -> d.rawBody = ("{\"pad\":\"" + "z".repeat(70_000) + "\"}")
        .getBytes(StandardCharsets.UTF_8)));
      for (String bad : new String[] {"{", "{\"a\":}", "{'a':1}", "{\"a\":1}garbage", "{\"a\":1,}", "nul", "\"unterminated",
        "[".repeat(5000), "{\"a\":".repeat(3000)}) {
        out.add(new Fault("malformed", "malformed JSON " + shorten(bad), null, true,
          d -> d.rawBody = bad.getBytes(StandardCharsets.UTF_8)));
      }
      for (Object notObject : new Object[] {List.of(), "text", 42, null, true, new JsonText.Raw("1e999999")}) {
        if (!type(s).equals("object")) {
          break;
        }
        out.add(new Fault("not-object", "body is " + JsonText.encode(notObject), null, true, d -> d.rawBody =
          JsonText.encode(notObject).getBytes(StandardCharsets.UTF_8)));
      }
      if (!type(s).equals("object")) {
        return;
      }
      JsonObject props = s.getJsonObject("properties", new JsonObject());
      List<String> required = strings(s.getJsonArray("required"));
      for (String pname : required) {
        out.add(new Fault("missing-" + pname, "body." + pname + " missing", pname, true, d -> d.bodyMap().remove(pname)));
      }
      if (Boolean.FALSE.equals(s.getValue("additionalProperties"))) {
        out.add(new Fault("extra", "body has an extra property", "isAdmin", true, d -> d.bodyMap().put("isAdmin", true)));
      }
      if (s.getInteger("minProperties", 0) > 0 || !required.isEmpty()) {
        out.add(new Fault("empty-object", "body is {}", required.size() == 1 ? required.get(0) : null, true, d -> d.bodyMap().clear()));
      }
      out.add(new Fault("duplicate-keys", "duplicate keys in the body", null, false, d -> {
        String text = JsonText.encode(d.body);
        String first = d.bodyMap().keySet().stream().findFirst().orElse(null);
        if (first != null) {
          Object v = d.bodyMap().get(first);
          d.rawBody = ("{" + JsonText.encode(first) + ":" + JsonText.encode(v) + "," + text.substring(1))
            .getBytes(StandardCharsets.UTF_8);
        }
      }));
      for (String pname : props.fieldNames()) {
        JsonObject ps = props.getJsonObject(pname);
        propertyFaults(pname, ps, out);
      }
    }

    void propertyFaults(String pname, JsonObject ps, List<Fault> out) {
      String t = type(ps);
      boolean nullable = types(ps).contains("null");
      for (Object wrong : new Object[] {12345, true, null, List.of("x"), Map.of("k", "v"), new JsonText.Raw("1e999999"),
        new JsonText.Raw("-99999999999999999999999999999")}) {
        boolean isNumber = wrong instanceof Integer || wrong instanceof JsonText.Raw;
        boolean matches = (wrong == null && nullable)
          || (isNumber && (t.equals("number") || t.equals("integer"))) || (wrong instanceof Boolean && t.equals("boolean"));
        if (!matches) {
          out.add(new Fault("type-" + pname, "body." + pname + " is " + JsonText.encode(wrong), pname, true, d -> d.bodyMap().put(pname, wrong)));
        }
      }
      if (!t.equals("string")) {
        return;
      }
      String format = ps.getString("format");
      if (ps.containsKey("maxLength")) {
        int max = ps.getInteger("maxLength");
        out.add(new Fault("length-" + pname, "body." + pname + " one over maxLength", pname, true, d -> d.bodyMap().put(pname,
          "email".equals(format) ? "a".repeat(max - 11) + "@example.com" : "M" + "m".repeat(max))));
        out.add(new Fault("length-" + pname, "body." + pname + " of 30000 characters", pname, true,
          d -> d.bodyMap().put(pname, "H" + "h".repeat(30_000))));
      }
      if (ps.getInteger("minLength", 0) > 0 || format != null) {
        out.add(new Fault("empty-" + pname, "body." + pname + " is \"\"", pname, true, d -> d.bodyMap().put(pname, "")));
      }
      if (ps.getString("pattern", "").contains("\\S")) {
        out.add(new Fault("blank-" + pname, "body." + pname + " only whitespace", pname, true, d -> d.bodyMap().put(pname, " \t ")));
      }
      if ("uuid".equals(format)) {
        for (String bad : new String[] {"not-a-uuid", "00000000-0000-0000-0000-00000000000g", "{" + UUID.randomUUID() + "}"}) {
          out.add(new Fault("format-" + pname, "body." + pname + " bad uuid " + bad, pname, true, d -> d.bodyMap().put(pname, bad)));
        }
      }
      if ("email".equals(format)) {
        for (String bad : new String[] {"plainaddress", "a@", "@example.com", "a@@example.com"}) {
          out.add(new Fault("format-" + pname, "body." + pname + " bad email " + bad, pname, true, d -> d.bodyMap().put(pname, bad)));
        }
      }
      out.add(new Fault("utf8-" + pname, "bad UTF-8 in body." + pname, null, true, d -> {
        d.bodyMap().put(pname, "x" + BAD_UTF8 + "y");
      }));
    }

    void paramFaults(Param p, List<Fault> out) {
      JsonObject s = p.schema();
      String t = type(s);
      String n = p.name();
      if (p.in().equals("header")) {
        if (s.containsKey("maxLength")) {
          out.add(new Fault("header-" + n, "header " + n + " over maxLength", n, true,
            d -> d.setParam(p, "W" + "w".repeat(s.getInteger("maxLength")))));
        }
        return;
      }
      List<String[]> bad = new ArrayList<>(); // raw value, label ('!' first: need not be refused)
      if (t.equals("integer")) {
        for (String v : new String[] {"abc", "1.5", "99999999999999999999", "1e3", "", "0x10", "%201", "-0.0"}) {
          bad.add(new String[] {v, v});
        }
        if (s.containsKey("minimum")) {
          bad.add(new String[] {String.valueOf(s.getLong("minimum") - 1), "below minimum"});
        }
        if (s.containsKey("maximum")) {
          bad.add(new String[] {String.valueOf(s.getLong("maximum") + 1), "above maximum"});
        }
      }
      if (t.equals("string")) {
        if ("uuid".equals(s.getString("format"))) {
          for (String v : new String[] {"not-a-uuid", "12345", UUID.randomUUID() + "x", "%7B" + UUID.randomUUID() + "%7D"}) {
            bad.add(new String[] {v, "bad uuid " + v});
          }
        }
        if (s.getInteger("minLength", 0) > 0 && !p.in().equals("path")) {
          bad.add(new String[] {"", "empty"});
        }
        if (s.containsKey("maxLength")) {
          bad.add(new String[] {"L".repeat(s.getInteger("maxLength") + 1), "one over maxLength"});
        }
      }
      for (String[] v : bad) {
        // a lenient reading of " 1" or "1e3" as a number is no harm
        boolean lenient = v[0].equals("%201") || v[0].equals("1e3");
        out.add(new Fault("value-" + n, p.in() + " " + n + " " + shorten(v[1]), lenient ? null : n, !lenient,
          d -> d.setRaw(p, v[0])));
      }
      // Percent-encoding: malformed (must be refused), or of bytes that are not UTF-8 (must be refused where the
      // value cannot be any string, else must not break anything).
      boolean anyString = t.equals("string") && s.getString("format") == null;
      for (String v : new String[] {"%", "%%%garbage", "%zz", "%e9", "%c3%28", "%ed%a0%80", "%f0%28%8c%bc"}) {
        boolean malformed = !v.matches("(%[0-9a-fA-F]{2})+");
        out.add(new Fault("pct-" + n, p.in() + " " + n + " percent-encoding " + v, null, malformed || !anyString,
          d -> d.setRaw(p, v)));
      }
      // Well-formed but odd: must not break anything (a NUL, controls, dot segments, an encoded slash).
      out.add(new Fault("nul-" + n, p.in() + " " + n + " with a NUL", null, false, d -> d.setRaw(p, "a%00b%40example.com")));
      for (String v : new String[] {"%01", "%1b%5b31m", "%e2%80%8b", "%c2%85", "..%2F..%2F",
        "%2e%2e", "%2F"}) {
        out.add(new Fault("odd-" + n, p.in() + " " + n + " odd bytes " + v, null, false, d -> {
          d.setRaw(p, v);
          d.routed = !p.in().equals("path"); // dot segments and slashes may lead to another operation
        }));
      }
      if (p.in().equals("path")) {
        out.add(new Fault("odd-" + n, "path " + n + " empty", null, false, d -> {
          d.setRaw(p, "");
          d.routed = false;
        }));
        out.add(new Fault("value-" + n, "path " + n + " of 3000 characters", null, true, d -> d.setRaw(p, "u".repeat(3000))));
      } else {
        out.add(new Fault("shape-" + n, "query " + n + " twice", null, false, d -> d.query.add(new String[] {n, "1"})));
        out.add(new Fault("shape-" + n, "query " + n + " without =", null, false, d -> {
            d.query.removeIf(q -> q[0].equals(n));
            d.query.add(new String[] {n, null});
          }));
      }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> bodyMap() {
      if (!(body instanceof Map)) {
        body = new LinkedHashMap<String, Object>();
      }
      return (Map<String, Object>) body;
    }

    void setQuery(String name, String raw) {
      query.removeIf(q -> q[0].equals(name));
      query.add(new String[] {name, raw});
    }

    void setParam(Param p, String value) {
      if (p.in().equals("header")) {
        headers.removeIf(h -> h[0].equalsIgnoreCase(p.name()));
        headers.add(new String[] {p.name(), utf8(value)});
      } else {
        setRaw(p, encode(value));
      }
    }

    void setRaw(Param p, String raw) {
      if (p.in().equals("path")) {
        path.put(p.name(), raw);
      } else {
        setQuery(p.name(), raw);
      }
    }

    FuzzRequest build(int index) {
      String target = op.path();
      for (Map.Entry<String, String> e : path.entrySet()) {
        target = target.replace("{" + e.getKey() + "}", e.getValue());
      }
      if (!query.isEmpty()) {
        StringBuilder q = new StringBuilder();
        for (String[] kv : query) {
          q.append(q.length() == 0 ? "?" : "&").append(kv[0]);
          if (kv[1] != null) {
            q.append('=').append(kv[1]);
          }
        }
        target += q;
      }
      List<String[]> hs = new ArrayList<>();
      if (!noHost) {
        hs.add(new String[] {"Host", "127.0.0.1"});
      }
      if (authorization != null) {
        hs.add(new String[] {"Authorization", utf8(authorization)});
      }
      byte[] bytes = rawBody;
      if (bytes == null && body != null) {
        bytes = encodeBody(JsonText.encode(body));
      }
      if (bytes != null && contentType != null) {
        hs.add(new String[] {"Content-Type", contentType});
      }
      hs.addAll(headers);
      return new FuzzRequest(index, op, mode, fault, field, mustReject, routed, method, target, hs, bytes, contentLength,
        rawBody == null ? body : null);
    }
  }

  private static byte[] encodeBody(String json) {
    String[] parts = json.split(BAD_UTF8, -1);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    // a bad continuation, a byte UTF-8 never has, an encoded surrogate, overlong '/' (2 and 3 bytes), a truncated
    // sequence, beyond U+10FFFF
    byte[][] bad = {{(byte) 0xc3, 0x28}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf},
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.writeBytes(bad[(parts[i - 1].length() + i) % bad.length]);
      }
      out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** A JWT with a well-formed header and claims, signed with a key that is not the service's. */
  private static String forged() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"sub\":\"admin\",\"scope\":\"admin\",\"iss\":\"favorite-products\",\"exp\":"
      + (System.currentTimeMillis() / 1000 + 3600) + "}").getBytes(StandardCharsets.UTF_8));
    return header + "." + claims + "." + b64.encodeToString("not-the-signature-of-this-token-x".getBytes(StandardCharsets.UTF_8));
  }

  /** alg none. */
  private static String unsigned() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
      + b64.encodeToString("{\"sub\":\"admin\",\"scope\":\"admin\"}".getBytes(StandardCharsets.UTF_8)) + ".";
  }

  static String type(JsonObject schema) {
    List<String> t = types(schema);
    return t.stream().filter(x -> !x.equals("null")).findFirst().orElse(schema.containsKey("properties") ? "object" : "string");
  }

  static List<String> types(JsonObject schema) {
    Object t = schema.getValue("type");
    if (t instanceof String s) {
      return List.of(s);
    }
    return t instanceof JsonArray a ? strings(a) : List.of();
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }

  /** Percent-encodes everything but unreserved characters, as UTF-8. */
  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
        || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  /** A string's UTF-8 bytes as chars 0-255 (how a header value goes on the wire). */
  static String utf8(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static String shorten(String s) {
    String e = FuzzRequest.escape(utf8(s).getBytes(StandardCharsets.ISO_8859_1), 40);
    return e;
  }
}
