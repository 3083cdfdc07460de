package com.favoriteproducts.contract;

import com.favoriteproducts.client.ApiClient;
import com.favoriteproducts.client.ApiException;
import com.favoriteproducts.client.ApiResponse;
import com.favoriteproducts.client.api.AuthApi;
import com.favoriteproducts.client.api.CustomersApi;
import com.favoriteproducts.client.api.FavoritesApi;
import com.favoriteproducts.client.api.JobsApi;
import com.favoriteproducts.client.model.Customer;
import com.favoriteproducts.client.model.CustomerInput;
import com.favoriteproducts.client.model.Favorite;
import com.favoriteproducts.client.model.FavoriteInput;
import com.favoriteproducts.client.model.FavoritePage;
import com.favoriteproducts.client.model.Job;
import com.favoriteproducts.client.model.TokenRequest;
import com.favoriteproducts.client.model.TokenResponse;
import com.favoriteproducts.support.Eventually;
import com.favoriteproducts.support.TestApp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Java client that openapi-generator makes from src/main/resources/openapi.yaml at build time (pom.xml,
 * execution contract-client, into target/generated-test-sources) against the real service: token, customer, an add
 * (202 and its job, polled until done), the list. A contract a generator cannot turn into a working client fails the
 * build here (generation or compilation) or in this test.
 */
@DisplayName("contract: generated client")
class ContractClientTest {

  @RegisterExtension
  static final TestApp app = TestApp.perClass();

  @Test
  @DisplayName("creates a customer, adds a favorite (202, job done) and lists it")
  void createAddList() throws Exception {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + app.port);
    TokenResponse token = new AuthApi(client).issueToken(new TokenRequest().token(TestApp.API_TOKEN));
    assertThat(token.getTokenType()).isEqualTo(TokenResponse.TokenTypeEnum.BEARER);
    assertThat(token.getExpiresIn()).isPositive();
    client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token.getAccessToken()));

    String email = "client-" + UUID.randomUUID() + "@example.org";
    Customer customer = new CustomersApi(client).createCustomer(new CustomerInput().name("Grace Hopper").email(email));
    assertThat(customer.getEmail()).isEqualTo(email);
    assertThat(customer.getName()).isEqualTo("Grace Hopper");
    assertThat(customer.getId()).isNotNull();
    assertThat(customer.getCreatedAt()).isNotNull();

    UUID productId = UUID.fromString(app.fakeProducts.newProduct().getString("id"));
    FavoritesApi favorites = new FavoritesApi(client);
    // The generated method declares one return type (Favorite, the 200/201 body); a 202 carries a Job, so the job is
    // taken from the Location header and read through the jobs API.
    ApiResponse<Favorite> accepted = favorites.addFavoriteFromBodyWithHttpInfo(customer.getId(),
      new FavoriteInput().productId(productId), null);
    assertThat(accepted.getStatusCode()).isEqualTo(202);
    String location = accepted.getHeaders().get("location").get(0);
    assertThat(location).startsWith("/v1/jobs/");
    UUID jobId = UUID.fromString(location.substring("/v1/jobs/".length()));

    JobsApi jobs = new JobsApi(client);
    AtomicReference<Job> job = new AtomicReference<>();
    Eventually.until(10_000, "the add job is done", () -> {
      try {
        job.set(jobs.getJob(jobId));
      } catch (ApiException e) {
        throw new AssertionError(e.getCode() + " " + e.getResponseBody(), e);
      }
      return job.get().getStatus() != Job.StatusEnum.PENDING;
    });
    assertThat(job.get().getStatus()).isEqualTo(Job.StatusEnum.DONE);
    assertThat(job.get().getCustomerId()).isEqualTo(customer.getId());
    assertThat(job.get().getProductId()).isEqualTo(productId);

    FavoritePage page = favorites.listFavorites(customer.getId(), null, null, null);
    assertThat(page.getItems()).hasSize(1);
    Favorite favorite = page.getItems().get(0);
    assertThat(favorite.getProductId()).isEqualTo(productId);
    assertThat(favorite.getAvailability()).isEqualTo(Favorite.AvailabilityEnum.AVAILABLE);
    assertThat(favorite.getAddedAt()).isNotNull();
    assertThat(page.getNextCursor()).isNull();

    // An error comes back as the generated client's ApiException with the problem body.
    assertThatThrownBy(() -> favorites.getFavorite(customer.getId(), UUID.randomUUID()))
      .isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.getCode()).isEqualTo(404);
        assertThat(e.getResponseHeaders().firstValue("content-type")).hasValue("application/problem+json");
      });
  }
}
