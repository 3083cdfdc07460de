package com.favoriteproducts.bridge;

import com.favoriteproducts.support.TestApp;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.favoriteproducts.support.TestApp.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the stdlib example clients (examples/node, examples/python) as processes against the running service, as a
 * user would against {@code make run}: exit code 0, the steps they print (the event with the product id) and the
 * favorite stored.
 */
@DisplayName("bridge example clients (Node, Python) against the running service")
class BridgeExamplesTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  private static final Pattern CUSTOMER = Pattern.compile("customer created: ([0-9a-f-]{36})");

  @Test
  @DisplayName("examples/node/demo.js: token, customer, register, add, its favorite.added event, list")
  void node() throws Exception {
    run(List.of("node", "examples/node/demo.js"), "node");
  }

  @Test
  @DisplayName("examples/python/demo.py: token, customer, register, add, its favorite.added event, list")
  void python() throws Exception {
    run(List.of("python3", "-B", "examples/python/demo.py"), "python3");
  }

  private void run(List<String> command, String binary) throws Exception {
    assumeTrue(onPath(binary), binary + " is not on the PATH: the " + binary + " example client cannot be run here");
    String product = app.fakeProducts.newProduct().getString("id");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("SERVICE_URL", "http://127.0.0.1:" + app.port);
    env.put("BRIDGE_HOST", "127.0.0.1");
    env.put("BRIDGE_PORT", Integer.toString(app.bridgePort));
    env.put("API_TOKEN", TestApp.API_TOKEN);
    env.put("PRODUCT_ID", product);
    Process p = pb.start();
    boolean finished = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("the demo finished within 60 s:\n%s", out).isTrue();
    assertThat(p.exitValue()).as("exit code; output:\n%s", out).isZero();
    assertThat(out).contains("4. registered on favorites.events.")
      .contains("6. event received: com.favoriteproducts.favorite.added " + product)
      .contains("7. favorites.list: " + product).contains("done");
    Matcher m = CUSTOMER.matcher(out);
    assertThat(m.find()).as("the customer id in:\n%s", out).isTrue();
    List<Row> rows = new ArrayList<>();
    await(app.db.preparedQuery("SELECT product_id FROM favorites WHERE customer_id = $1")
      .execute(Tuple.of(UUID.fromString(m.group(1))))).forEach(rows::add);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getUUID(0).toString()).isEqualTo(product);
  }

  private static boolean onPath(String binary) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }
}
