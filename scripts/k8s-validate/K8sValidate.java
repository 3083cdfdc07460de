import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.annotations.SerializedName;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Kubernetes manifests against the models of io.kubernetes:client-java-api, which are generated from the
 * Kubernetes OpenAPI spec (25.0.0: Kubernetes 1.34). Every object is walked field by field: an unknown field, a missing
 * required field, a value of the wrong JSON type (a number or a boolean where the API wants a string, as an unquoted
 * ConfigMap value or env value), a malformed quantity or an unknown enum value is an error, reported with its path.
 * Then a few checks the API server or the cluster would make: names, selectors that match pod templates, references
 * to objects of the bundle, and the favorite-products deployment rules (JVM options, termination grace).
 *
 * <pre>
 * java -cp '.k8s-validate/lib/*' scripts/k8s-validate/K8sValidate.java [options] FILE...   ("-" = standard input)
 *   --jvm-options FILE     every option in FILE must be in each Deployment's JAVA_OPTS
 *   --kustomization FILE   validate the files its resources: list names (the fallback without kubectl)
 *   --self-check DIR       each DIR/*.yaml must FAIL with the message of its "# expect: ..." first line
 * </pre>
 * Exit 0 when every object is valid (or, with --self-check, every broken file failed as expected), 1 otherwise.
 */
public final class K8sValidate {

  static final String MODELS = "io.kubernetes.client.openapi.models.";
  static final String K8S_VERSION = "1.34";
  /** kind -> its API group ("" = core): the kinds this tool knows; another kind is an error until it is added. */
  static final Map<String, String> GROUPS = Map.ofEntries(
    Map.entry("Deployment", "apps"), Map.entry("StatefulSet", "apps"), Map.entry("DaemonSet", "apps"),
    Map.entry("Service", ""), Map.entry("ConfigMap", ""), Map.entry("Secret", ""), Map.entry("ServiceAccount", ""),
    Map.entry("HorizontalPodAutoscaler", "autoscaling"), Map.entry("PodDisruptionBudget", "policy"),
    Map.entry("NetworkPolicy", "networking.k8s.io"), Map.entry("Ingress", "networking.k8s.io"),
    Map.entry("Role", "rbac.authorization.k8s.io"), Map.entry("RoleBinding", "rbac.authorization.k8s.io"));
  static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  static final Gson GSON = new Gson();

  record Doc(String source, JsonObject json) {
    String id() {
      return source + ": " + str(json, "kind") + " " + str(json.getAsJsonObject("metadata"), "name");
    }
  }

  final List<String> errors = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    List<String> files = new ArrayList<>();
    String jvmOptions = null;
    String kustomization = null;
    String selfCheck = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jvm-options" -> jvmOptions = args[++i];
        case "--kustomization" -> kustomization = args[++i];
        case "--self-check" -> selfCheck = args[++i];
        default -> files.add(args[i]);
      }
    }
    if (selfCheck != null) {
      System.exit(selfCheck(Path.of(selfCheck), jvmOptions) ? 0 : 1);
    }
    if (kustomization != null) {
      Path k = Path.of(kustomization);
      for (String r : resources(k)) {
        files.add(k.resolveSibling(r).toString());
      }
    }
    K8sValidate v = new K8sValidate();
    List<Doc> docs = v.validate(files, jvmOptions);
    if (v.errors.isEmpty()) {
      Map<String, Integer> kinds = new LinkedHashMap<>();
      docs.forEach(d -> kinds.merge(str(d.json, "kind"), 1, Integer::sum));
      System.out.println("k8s-validate: " + docs.size() + " objects valid against the Kubernetes " + K8S_VERSION
        + " OpenAPI models (unknown fields refused): " + kinds);
      return;
    }
    v.errors.forEach(e -> System.err.println("k8s-validate: ERROR " + e));
    System.err.println("k8s-validate: " + v.errors.size() + " error(s) in " + docs.size() + " objects");
    System.exit(1);
  }

  /** Each broken manifest must fail, with its expected message among the errors. */
  static boolean selfCheck(Path dir, String jvmOptions) throws IOException {
    List<Path> broken;
    try (var s = Files.list(dir)) {
      broken = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    if (broken.isEmpty()) {
      System.err.println("k8s-validate self-check: no broken manifests in " + dir);
      return false;
    }
    boolean ok = true;
    for (Path p : broken) {
      String first = Files.readAllLines(p, StandardCharsets.UTF_8).get(0);
      if (!first.startsWith("# expect: ")) {
        System.err.println("k8s-validate self-check: " + p + " has no '# expect: ' first line");
        ok = false;
        continue;
      }
      String expected = first.substring("# expect: ".length()).trim();
      K8sValidate v = new K8sValidate();
      v.validate(List.of(p.toString()), jvmOptions);
      boolean caught = v.errors.stream().anyMatch(e -> e.contains(expected));
      System.out.println("k8s-validate self-check: " + p.getFileName() + (caught ? " refused as expected: " + expected
        : " NOT refused as expected (" + expected + "); errors: " + v.errors));
      ok &= caught;
    }
    System.out.println("k8s-validate self-check: " + (ok ? "every broken manifest was refused (" + broken.size() + ")"
      : "FAILED: the validator accepts a broken manifest"));
    return ok;
  }

  /** The resources: list of a kustomization.yaml (plain file names only). */
  static List<String> resources(Path kustomization) throws IOException {
    Object root = yaml().load(Files.readString(kustomization));
    if (root instanceof Map<?, ?> m && m.get("resources") instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    throw new IllegalArgumentException(kustomization + " has no resources: list");
  }

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  List<Doc> validate(List<String> files, String jvmOptions) throws IOException {
    List<Doc> docs = new ArrayList<>();
    for (String f : files) {
      String text = f.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(f));
      int n = 0;
      for (Object o : yaml().loadAll(text)) {
        n++;
        if (o == null) {
          continue;
        }
        String source = (f.equals("-") ? "<stdin>" : f) + "#" + n;
        JsonElement e = GSON.toJsonTree(o);
        if (!e.isJsonObject()) {
          errors.add(source + ": not an object");
          continue;
        }
        Doc d = new Doc(source, e.getAsJsonObject());
        if (schema(d)) {
          docs.add(d);
        }
      }
    }
    try {
      references(docs);
      if (jvmOptions != null) {
        jvm(docs, Path.of(jvmOptions));
      }
      grace(docs);
    } catch (RuntimeException e) {
      errors.add("the cross-object checks failed on a malformed object: " + e);
    }
    return docs;
  }

  /** apiVersion/kind -> model class, then the walk. */
  boolean schema(Doc d) {
    String apiVersion = str(d.json, "apiVersion");
    String kind = str(d.json, "kind");
    if (apiVersion == null || kind == null) {
      errors.add(d.source + ": apiVersion and kind are required");
      return false;
    }
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    String expectedGroup = GROUPS.get(kind);
    if (expectedGroup == null) {
      errors.add(d.id() + ": kind " + kind + " is not known to this validator (add it to GROUPS)");
      return false;
    }
    if (!expectedGroup.equals(group)) {
      errors.add(d.id() + ": " + kind + " is served by group '" + expectedGroup + "', not '" + group + "'");
      return false;
    }
    Class<?> model;
    try {
      model = Class.forName(MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind);
    } catch (ClassNotFoundException e) {
      errors.add(d.id() + ": no " + kind + " in " + apiVersion + " in Kubernetes " + K8S_VERSION);
      return false;
    }
    walk(d, d.json, model, "");
    JsonObject meta = d.json.getAsJsonObject("metadata");
    String name = meta == null ? null : str(meta, "name");
    if (name == null || name.isEmpty()) {
      errors.add(d.source + ": " + kind + ": metadata.name is required");
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()
      || (kind.equals("Service") && (name.length() > 63 || !DNS_LABEL.matcher(name).matches()))) {
      errors.add(d.id() + ": metadata.name '" + name + "' is not a valid DNS name");
    }
    return true;
  }

  /** The walk: each JSON value against the Java type of the model field it lands in. */
  void walk(Doc d, JsonElement e, Type type, String path) {
    if (e == null || e.isJsonNull()) {
      return; // null = absent for the API server
    }
    String at = d.id() + ": " + (path.isEmpty() ? "(root)" : path);
    if (type instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      Type[] args = pt.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        if (!e.isJsonArray()) {
          errors.add(at + ": must be a list");
          return;
        }
        JsonArray a = e.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
          walk(d, a.get(i), args[0], path + "[" + i + "]");
        }
      } else if (Map.class.isAssignableFrom(raw)) {
        if (!e.isJsonObject()) {
          errors.add(at + ": must be a map");
          return;
        }
        for (var entry : e.getAsJsonObject().entrySet()) {
          walk(d, entry.getValue(), args[1], path + "." + entry.getKey());
        }
      } else {
        errors.add(at + ": unexpected model type " + pt);
      }
      return;
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
        errors.add(at + ": must be a string, got " + e + (e.isJsonPrimitive() ? " (quote it)" : ""));
      }
    } else if (c == Integer.class || c == Long.class) {
      if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
        && e.getAsDouble() == Math.rint(e.getAsDouble()))) {
        errors.add(at + ": must be an integer, got " + e);
      }
    } else if (c == Double.class || c == Float.class || c == java.math.BigDecimal.class) {
      if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
        errors.add(at + ": must be a number, got " + e);
      }
    } else if (c == Boolean.class) {
      if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
        errors.add(at + ": must be true or false, got " + e);
      }
    } else if (c == IntOrString.class) {
      if (!(e.isJsonPrimitive() && (e.getAsJsonPrimitive().isString()
        || (e.getAsJsonPrimitive().isNumber() && e.getAsDouble() == Math.rint(e.getAsDouble()))))) {
        errors.add(at + ": must be an integer or a string, got " + e);
      }
    } else if (c == Quantity.class) {
      if (!(e.isJsonPrimitive() && !e.getAsJsonPrimitive().isBoolean())) {
        errors.add(at + ": must be a quantity, got " + e);
      } else {
        try {
          Quantity.fromString(e.getAsString());
        } catch (RuntimeException ex) {
          errors.add(at + ": '" + e.getAsString() + "' is not a quantity");
        }
      }
    } else if (c == OffsetDateTime.class) {
      if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
        errors.add(at + ": must be a date-time string");
      }
    } else if (c == byte[].class) {
      if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
        errors.add(at + ": must be a base64 string");
      } else {
        try {
          java.util.Base64.getDecoder().decode(e.getAsString());
        } catch (IllegalArgumentException ex) {
          errors.add(at + ": not base64");
        }
      }
    } else if (c == Object.class) {
      // free-form
    } else if (c.isEnum()) {
      List<String> values = Arrays.stream(c.getFields()).filter(Field::isEnumConstant)
        .map(f -> f.getAnnotation(SerializedName.class) != null ? f.getAnnotation(SerializedName.class).value() : f.getName())
        .toList();
      if (!(e.isJsonPrimitive() && values.contains(e.getAsString()))) {
        errors.add(at + ": must be one of " + values + ", got " + e);
      }
    } else if (c.getName().startsWith(MODELS)) {
      if (!e.isJsonObject()) {
        errors.add(at + ": must be an object (" + c.getSimpleName() + "), got " + e);
        return;
      }
      Set<String> known = staticSet(c, "openapiFields");
      Set<String> required = staticSet(c, "openapiRequiredFields");
      JsonObject o = e.getAsJsonObject();
      for (String r : required) {
        if (!o.has(r) || o.get(r).isJsonNull()) {
          errors.add(at + ": required field '" + r + "' is missing (" + c.getSimpleName() + ")");
        }
      }
      for (var entry : o.entrySet()) {
        String key = entry.getKey();
        String sub = path.isEmpty() ? key : path + "." + key;
        if (!known.contains(key)) {
          String near = known.stream().filter(k -> distance(k, key) <= 3).findFirst().map(k -> "; did you mean '" + k + "'?")
            .orElse("");
          errors.add(d.id() + ": " + sub + ": unknown field of " + c.getSimpleName() + near);
          continue;
        }
        Field f = field(c, key);
        if (f == null) {
          errors.add(at + ": no Java field for '" + key + "' in " + c.getSimpleName());
        } else {
          walk(d, entry.getValue(), f.getGenericType(), sub);
        }
      }
    } else {
      errors.add(at + ": unexpected model type " + c.getName());
    }
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length()];
  }

  @SuppressWarnings("unchecked")
  static Set<String> staticSet(Class<?> c, String name) {
    try {
      return (Set<String>) c.getField(name).get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(c + " has no " + name, e);
    }
  }

  static Field field(Class<?> c, String json) {
    for (Field f : c.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      SerializedName sn = f.getAnnotation(SerializedName.class);
      if (sn != null ? sn.value().equals(json) : f.getName().equals(json)) {
        return f;
      }
    }
    return null;
  }

  // ---- what the API server or the running cluster would refuse, across objects ---------------------------------

  void references(List<Doc> docs) {
    List<Doc> workloads = docs.stream().filter(d -> Set.of("Deployment", "StatefulSet", "DaemonSet").contains(str(d.json, "kind"))).toList();
    Set<String> configMaps = names(docs, "ConfigMap");
    for (Doc w : workloads) {
      JsonObject spec = w.json.getAsJsonObject("spec");
      if (spec == null || spec.getAsJsonObject("template") == null) {
        continue;
      }
      Map<String, String> podLabels = labels(spec.getAsJsonObject("template").getAsJsonObject("metadata"));
      JsonObject sel = spec.getAsJsonObject("selector");
      Map<String, String> match = sel == null ? Map.of() : map(sel.getAsJsonObject("matchLabels"));
      if (match.isEmpty() || !podLabels.entrySet().containsAll(match.entrySet())) {
        errors.add(w.id() + ": spec.selector.matchLabels " + match + " do not match the template's labels " + podLabels);
      }
      JsonObject pod = spec.getAsJsonObject("template").getAsJsonObject("spec");
      for (JsonElement c : arr(pod, "containers")) {
        for (JsonElement from : arr(c.getAsJsonObject(), "envFrom")) {
          JsonObject ref = from.getAsJsonObject().getAsJsonObject("configMapRef");
          if (ref != null && !configMaps.contains(str(ref, "name")) && !bool(ref, "optional")) {
            errors.add(w.id() + ": envFrom names ConfigMap '" + str(ref, "name") + "', which is not in the bundle");
          }
        }
      }
    }
    List<Map<String, String>> pods = workloads.stream().map(w -> labels(w.json.getAsJsonObject("spec")
      .getAsJsonObject("template").getAsJsonObject("metadata"))).toList();
    for (Doc d : docs) {
      String kind = str(d.json, "kind");
      JsonObject spec = d.json.getAsJsonObject("spec");
      Map<String, String> selector = null;
      switch (kind) {
        case "Service" -> selector = map(spec == null ? null : spec.getAsJsonObject("selector"));
        case "PodDisruptionBudget", "NetworkPolicy" -> {
          JsonObject s = spec == null ? null : spec.getAsJsonObject(kind.equals("NetworkPolicy") ? "podSelector" : "selector");
          selector = map(s == null ? null : s.getAsJsonObject("matchLabels"));
        }
        case "HorizontalPodAutoscaler" -> {
          JsonObject ref = spec == null ? null : spec.getAsJsonObject("scaleTargetRef");
          if (ref != null && names(docs, str(ref, "kind")).stream().noneMatch(n -> n.equals(str(ref, "name")))) {
            errors.add(d.id() + ": scaleTargetRef " + str(ref, "kind") + " '" + str(ref, "name") + "' is not in the bundle");
          }
        }
        default -> {
        }
      }
      if (selector != null && !selector.isEmpty()) {
        Map<String, String> s = selector;
        if (pods.stream().noneMatch(p -> p.entrySet().containsAll(s.entrySet()))) {
          errors.add(d.id() + ": selector " + s + " matches no pod template of the bundle");
        }
      }
    }
  }

  /** conf/jvm.options is what the service is sized and measured with: every Deployment's JAVA_OPTS carries it. */
  void jvm(List<Doc> docs, Path file) throws IOException {
    List<String> wanted = Arrays.stream(Files.readString(file).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    for (Doc d : docs) {
      if (!"Deployment".equals(str(d.json, "kind"))) {
        continue;
      }
      for (JsonObject c : containers(d)) {
        String opts = env(c, "JAVA_OPTS");
        if (opts == null) {
          errors.add(d.id() + ": container " + str(c, "name") + " sets no JAVA_OPTS (want " + file + ")");
          continue;
        }
        List<String> have = Arrays.asList(opts.trim().split("\\s+"));
        List<String> missing = wanted.stream().filter(w -> !have.contains(w)).toList();
        if (!missing.isEmpty()) {
          errors.add(d.id() + ": JAVA_OPTS of " + str(c, "name") + " lacks " + missing + " from " + file);
        }
      }
    }
  }

  /** terminationGracePeriodSeconds must cover the preStop sleep plus SHUTDOWN_TIMEOUT_MS and the 5 s the hook adds. */
  void grace(List<Doc> docs) {
    Map<String, String> config = new LinkedHashMap<>();
    docs.stream().filter(d -> "ConfigMap".equals(str(d.json, "kind")))
      .forEach(d -> config.putAll(map(d.json.getAsJsonObject("data"))));
    for (Doc d : docs) {
      if (!"Deployment".equals(str(d.json, "kind"))) {
        continue;
      }
      JsonObject pod = d.json.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("spec");
      long grace = pod.has("terminationGracePeriodSeconds") ? pod.get("terminationGracePeriodSeconds").getAsLong() : 30;
      for (JsonObject c : containers(d)) {
        String timeout = env(c, "SHUTDOWN_TIMEOUT_MS");
        if (timeout == null) {
          timeout = config.getOrDefault("SHUTDOWN_TIMEOUT_MS", "15000");
        }
        long preStop = 0;
        JsonObject pre = c.getAsJsonObject("lifecycle") == null ? null : c.getAsJsonObject("lifecycle").getAsJsonObject("preStop");
        if (pre != null && pre.getAsJsonObject("sleep") != null) {
          preStop = pre.getAsJsonObject("sleep").get("seconds").getAsLong();
        } else if (pre != null && pre.getAsJsonObject("exec") != null) {
          JsonArray cmd = pre.getAsJsonObject("exec").getAsJsonArray("command");
          if (cmd != null && cmd.size() == 2 && "sleep".equals(cmd.get(0).getAsString())) {
            preStop = Long.parseLong(cmd.get(1).getAsString());
          }
        }
        long needed = preStop + (Long.parseLong(timeout) + 5_000 + 999) / 1000;
        if (grace <= needed) {
          errors.add(d.id() + ": terminationGracePeriodSeconds " + grace + " must exceed preStop " + preStop
            + " s + SHUTDOWN_TIMEOUT_MS " + timeout + " ms + 5 s (the shutdown hook's bound) = " + needed + " s");
        }
      }
    }
  }

  // ---- JSON helpers ---------------------------------------------------------------------------------------------

  static List<JsonObject> containers(Doc d) {
    JsonObject pod = d.json.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("spec");
    List<JsonObject> out = new ArrayList<>();
    arr(pod, "containers").forEach(c -> out.add(c.getAsJsonObject()));
    return out;
  }

  static String env(JsonObject container, String name) {
    for (JsonElement e : arr(container, "env")) {
      if (name.equals(str(e.getAsJsonObject(), "name"))) {
        return str(e.getAsJsonObject(), "value");
      }
    }
    return null;
  }

  static Set<String> names(List<Doc> docs, String kind) {
    Set<String> out = new java.util.HashSet<>();
    docs.stream().filter(d -> kind != null && kind.equals(str(d.json, "kind")))
      .forEach(d -> out.add(str(d.json.getAsJsonObject("metadata"), "name")));
    return out;
  }

  static Map<String, String> labels(JsonObject meta) {
    return map(meta == null ? null : meta.getAsJsonObject("labels"));
  }

  static Map<String, String> map(JsonObject o) {
    Map<String, String> out = new LinkedHashMap<>();
    if (o != null) {
      o.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString()));
    }
    return out;
  }

  static JsonArray arr(JsonObject o, String key) {
    return o != null && o.get(key) instanceof JsonArray a ? a : new JsonArray();
  }

  static String str(JsonObject o, String key) {
    return o != null && o.get(key) instanceof JsonPrimitive p ? p.getAsString() : null;
  }

  static boolean bool(JsonObject o, String key) {
    return o != null && o.get(key) instanceof JsonPrimitive p && p.isBoolean() && p.getAsBoolean();
  }
}
