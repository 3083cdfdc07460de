package com.favoriteproducts.db;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("read routing helpers")
class ReadPoolsTest {

  @Test
  @DisplayName("an LSN X/Y reads as one ordered number")
  void lsn() {
    assertThat(ReadPools.lsn("0/0")).isZero();
    assertThat(ReadPools.lsn("0/16B3748")).isEqualTo(0x16B3748L);
    assertThat(ReadPools.lsn("1/0")).isEqualTo(1L << 32);
    assertThat(ReadPools.lsn("1/0")).isGreaterThan(ReadPools.lsn("0/FFFFFFFF"));
  }

  @Test
  @DisplayName("pins keep the latest change, expire, and when full send every keyed read to the primary for a while")
  void pins() {
    Pins p = new Pins(2);
    p.changed("a", 100, 1000);
    p.changed("a", 50, 1000);
    assertThat(p.changedAt("a")).isEqualTo(100);
    assertThat(p.changedAt("b")).isEqualTo(Long.MIN_VALUE);
    p.changed("b", 200, 1000);
    assertThat(p.overflowing(200)).isFalse();
    p.changed("c", 300, 1000);
    assertThat(p.overflowing(300)).isTrue();
    assertThat(p.overflowing(1300)).isFalse();
    p.expire(150);
    assertThat(p.size()).isEqualTo(1);
    assertThat(p.changedAt("a")).isEqualTo(Long.MIN_VALUE);
  }
}
