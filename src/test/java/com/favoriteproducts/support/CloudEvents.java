package com.favoriteproducts.support;

import com.favoriteproducts.bus.FavoriteEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a JSON object is a CloudEvent 1.0 in structured mode (the official JSON schema, test resource
 * {@code schemas/cloudevents.json}, through vertx-json-schema), and one of the service's favorite events.
 */
public final class CloudEvents {

  private static final Validator VALIDATOR = Validator.create(JsonSchema.of(load("schemas/cloudevents.json")),
    new JsonSchemaOptions().setDraft(Draft.DRAFT7).setBaseUri("https://favorite-products.test/")
      .setOutputFormat(OutputFormat.Basic));

  private CloudEvents() {
  }

  /** The schema's verdict (errors included), for tests that expect an object to fail it. */
  public static OutputUnit validate(JsonObject event) {
    return VALIDATOR.validate(event);
  }

  /**
   * Asserts a favorite event of this kind for this customer and product: schema-valid, {@code specversion} 1.0, a
   * UUID {@code id}, {@code source} {@code /favorite-products}, {@code subject} the customer, {@code time} equal to
   * {@code data.at}, and exactly the documented attributes. Returns its {@code data}.
   */
  public static JsonObject assertFavoriteEvent(JsonObject event, FavoriteEvent.Kind kind, String customerId,
                                               String productId) {
    OutputUnit out = validate(event);
    assertThat(out.getValid()).as("CloudEvents schema: %s for %s", out.getErrors(), event).isTrue();
    assertThat(event.fieldNames()).as("attributes of %s", event)
      .containsExactlyInAnyOrderElementsOf(Set.of("specversion", "id", "source", "type", "subject", "time",
        "datacontenttype", "data"));
    assertThat(event.getString("specversion")).isEqualTo("1.0");
    assertThat(UUID.fromString(event.getString("id"))).isNotNull();
    assertThat(event.getString("source")).isEqualTo("/favorite-products");
    assertThat(event.getString("type")).isEqualTo("com.favoriteproducts." + kind.eventName);
    assertThat(event.getString("subject")).isEqualTo(customerId);
    assertThat(event.getString("datacontenttype")).isEqualTo("application/json");
    JsonObject data = event.getJsonObject("data");
    assertThat(data.fieldNames()).containsExactlyInAnyOrder("customerId", "productId", "at");
    assertThat(data.getString("customerId")).isEqualTo(customerId);
    assertThat(data.getString("productId")).isEqualTo(productId);
    assertThat(Instant.parse(event.getString("time"))).isEqualTo(Instant.parse(data.getString("at")));
    return data;
  }

  private static JsonObject load(String resource) {
    try (InputStream in = CloudEvents.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
