package com.favoriteproducts.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Prefer: wait (RFC 7240)")
class PreferWaitTest {

  @Test
  @DisplayName("wait=N is read among other preferences, capped at the maximum; absent or malformed means no wait")
  void parse() {
    assertThat(FavoriteHandlers.preferWait("wait=5", 30)).isEqualTo(5);
    assertThat(FavoriteHandlers.preferWait("respond-async, wait=100", 30)).isEqualTo(30);
    assertThat(FavoriteHandlers.preferWait("return=minimal; WAIT = 7", 30)).isEqualTo(7);
    assertThat(FavoriteHandlers.preferWait("wait=\"3\"", 30)).isEqualTo(3);
    assertThat(FavoriteHandlers.preferWait(null, 30)).isZero();
    assertThat(FavoriteHandlers.preferWait("respond-async", 30)).isZero();
    assertThat(FavoriteHandlers.preferWait("wait=soon", 30)).isZero();
    assertThat(FavoriteHandlers.preferWait("wait=-4", 30)).isZero();
  }
}
