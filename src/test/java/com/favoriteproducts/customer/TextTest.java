package com.favoriteproducts.customer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("the one normalisation of names and emails")
class TextTest {

  private static String name(String raw) {
    Text.Result r = Text.name(raw, Customer.NAME_MAX);
    return r.ok() ? r.value() : "!" + r.error();
  }

  private static String email(String raw) {
    Text.Result r = Text.email(raw, Customer.EMAIL_MAX);
    return r.ok() ? r.value() : "!" + r.error();
  }

  @Test
  @DisplayName("names are trimmed of Unicode white space, composed to NFC and measured in characters after trimming")
  void names() {
    assertThat(name("  Maria Silva \t")).isEqualTo("Maria Silva");
    assertThat(name("\u00a0\u3000\u2003Maria\u0085\u00a0")).isEqualTo("Maria");
    assertThat(name("Jose\u0301")).isEqualTo("Jos\u00e9");
    assertThat(name("a  b")).isEqualTo("a  b");
    assertThat(name("\u0928\u094d\u200d\u092f")).as("joiners in a name are kept").isEqualTo("\u0928\u094d\u200d\u092f");
    assertThat(name("     " + "x".repeat(200) + "     ")).isEqualTo("x".repeat(200));
    assertThat(name("x".repeat(201))).startsWith("!must be at most 200");
    assertThat(name("\ud83d\ude00".repeat(200))).as("200 emoji are 200 characters").isEqualTo("\ud83d\ude00".repeat(200));
    assertThat(name(" \u00a0\u3000 ")).isEqualTo("!must not be blank");
    assertThat(name("")).isEqualTo("!must not be blank");
  }

  @Test
  @DisplayName("names refuse controls (C0, DEL, C1), line separators, noncharacters and unpaired surrogates")
  void nameControls() {
    for (String bad : new String[]{"a\u0000b", "a\u0001", "a\u001b[31mred", "a\u007f", "a\bb", "a\tb", "a\nb",
      "a\u0085b", "a\u009bb", "a\u2028b", "a\u2029b", "a\ufffeb", "a\uffffb", "a\ufdd0b"}) {
      assertThat(name(bad)).as(bad).startsWith("!must not contain");
    }
    assertThat(name("probe\ud800x")).startsWith("!must be valid Unicode").contains("U+D800");
    assertThat(name("probe\udc00")).startsWith("!must be valid Unicode");
    assertThat(name("x\ud800")).startsWith("!must be valid Unicode");
  }

  @Test
  @DisplayName("emails are trimmed, NFC and lower-cased; invisible, format and white-space characters inside are refused")
  void emails() {
    assertThat(email("  Maria@Example.COM\u0085")).isEqualTo("maria@example.com");
    assertThat(email("\u3000maria@example.com\u2028")).isEqualTo("maria@example.com");
    assertThat(email("Jose\u0301@example.com")).isEqualTo("jos\u00e9@example.com");
    assertThat(email("jos\u00e9@b\u00fccher.de")).isEqualTo("jos\u00e9@b\u00fccher.de");
    for (String bad : new String[]{"local\u0085@domain.com", "local\u2028@domain.com", "local\u2029@domain.com",
      "lo\u200bcal@domain.com", "local@do\u200dmain.com", "\ufefflocal@domain.com", "lo\u00adcal@domain.com",
      "lo cal@domain.com", "lo\u00a0cal@domain.com", "lo\u3000cal@domain.com", "lo\u202ecal@domain.com",
      "local\u0000@domain.com", "local\t@domain.com", "lo\u034fcal@domain.com", "lo\ufe0fcal@domain.com", "lo\ufffdcal@domain.com"}) {
      assertThat(email(bad)).as(bad.codePoints().mapToObj(Integer::toHexString).toList().toString())
        .startsWith("!must not contain");
    }
    assertThat(email("probe\ud800x@example.com")).startsWith("!must be valid Unicode");
  }

  @Test
  @DisplayName("emails must look like local@domain.tld: a local part of at most 64 characters, a domain of at most 253")
  void emailShape() {
    for (String bad : new String[]{"", " ", "nope", "@example.com", "a@", "a@b", "a@@b.co", "a@b@c.co", ".a@b.co",
      "a.@b.co", "a..b@c.co", "a@b..co", "a@.b.co", "a@b.co.", "a@-b.co", "a(b)@c.co", "\"a\"@b.co", "a@b_c.co",
      "a".repeat(65) + "@b.co"}) {
      assertThat(email(bad)).as(bad).startsWith("!");
    }
    String longest = "a".repeat(64) + "@" + ("b".repeat(63) + ".").repeat(3) + "c".repeat(53) + ".example"; // 253
    assertThat(email(longest)).doesNotStartWith("!");
    assertThat(email("  " + longest + "  ")).isEqualTo(longest);
    assertThat(email("a".repeat(64) + "@" + "b".repeat(260) + ".co")).startsWith("!");
    assertThat(email("o'brien+tag@example.co.uk")).isEqualTo("o'brien+tag@example.co.uk");
  }
}
