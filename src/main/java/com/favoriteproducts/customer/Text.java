package com.favoriteproducts.customer;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one normalisation of customer names and emails, applied by the domain ({@link Customer}) for every path that
 * takes them: the HTTP edge and the event bus alike, creates, updates, patches and the email lookup.
 *
 * <p>In order: refuse unpaired UTF-16 surrogates (a JSON escape such as {@code "\ud800"} decodes to one, and the
 * database driver would silently store it as {@code ?}); trim Unicode white space at both ends (not only ASCII:
 * NBSP, U+3000, U+0085 ...); compose to NFC; refuse the characters the field may not hold; check the length in
 * characters (code points, as PostgreSQL counts them) after trimming.
 * <ul>
 *   <li>Names may not hold controls (C0 U+0000-U+001F, DEL, C1 U+0080-U+009F), line or paragraph separators
 *   (U+2028, U+2029) or noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF, ...). Other text, joiners included, is kept.
 *   <li>Emails may not hold any of those, nor any white space inside (category Zs), nor invisible format characters
 *   (category Cf: zero-width spaces and joiners, soft hyphen, bidirectional marks, BOM, tags) or other default
 *   ignorables (U+034F, Hangul fillers, variation selectors), so two emails that look the same are the same string.
 *   They are then lower-cased (locale-independent) and must have the shape {@code local@domain.tld}.
 * </ul>
 */
public final class Text {

  /** The normalised value, or {@code error} (then {@code value} is null): what is wrong, for a field error. */
  public record Result(String value, String error) {

    public boolean ok() {
      return error == null;
    }

    static Result of(String value) {
      return new Result(value, null);
    }

    static Result refused(String error) {
      return new Result(null, error);
    }
  }

  private static final int LOCAL_MAX = 64;
  private static final int DOMAIN_MAX = 253;
  /** Unquoted local parts may not hold these (RFC 5322 specials). */
  private static final String LOCAL_SPECIALS = "()<>[]:;@\\,\"";

  private Text() {
  }

  /** A customer name: trimmed, NFC, 1 to {@code max} characters, no controls. */
  public static Result name(String raw, int max) {
    return normalised(raw, false, max);
  }

  /** An email: trimmed, NFC, lower-cased, at most {@code max} characters, no controls or invisible characters. */
  public static Result email(String raw, int max) {
    Result r = normalised(raw, true, max);
    return !r.ok() || shapeOk(r.value()) ? r : Result.refused("must be a valid email address");
  }

  private static Result normalised(String raw, boolean email, int max) {
    String why = unpairedSurrogate(raw);
    if (why != null) {
      return Result.refused(why);
    }
    String t = nfc(trim(raw));
    if (email) {
      t = nfc(t.toLowerCase(Locale.ROOT));
    }
    if (t.isEmpty()) {
      return Result.refused("must not be blank");
    }
    why = forbidden(t, email);
    if (why != null) {
      return Result.refused(why);
    }
    if (t.codePointCount(0, t.length()) > max) {
      return Result.refused("must be at most " + max + " characters");
    }
    return Result.of(t);
  }

  /** Unicode White_Space (Java's {@code isWhitespace} leaves out NBSP and U+0085). */
  static boolean isWhiteSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }

  /** Strips Unicode white space at both ends. */
  static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isWhiteSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isWhiteSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  private static String nfc(String s) {
    return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  /** Why the string is not valid Unicode (a high surrogate without its low half, or the reverse), or null. */
  static String unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must be valid Unicode (an unpaired surrogate " + hex(c) + " at position " + (i + 1) + ")";
      }
    }
    return null;
  }

  /** The first character the field may not hold, described, or null. */
  private static String forbidden(String s, boolean email) {
    int position = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      position++;
      String what = kind(cp, email);
      if (what != null) {
        return "must not contain " + what + " (" + hex(cp) + " at position " + position + ")";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  private static String kind(int cp, boolean email) {
    int type = Character.getType(cp);
    if (type == Character.CONTROL) {
      return "control characters";
    }
    if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
      return "line separators";
    }
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) {
      return "noncharacters";
    }
    if (!email) {
      return null;
    }
    if (type == Character.SPACE_SEPARATOR) {
      return "white space";
    }
    if (type == Character.FORMAT || isOtherIgnorable(cp)) {
      return "invisible characters";
    }
    if (cp == 0xFFFD) {
      return "replacement characters (bytes that were not UTF-8)";
    }
    return null;
  }

  /** Default-ignorable code points outside category Cf (they render as nothing). */
  private static boolean isOtherIgnorable(int cp) {
    return cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || cp == 0x3164
      || cp == 0xFFA0 || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0xFE00 && cp <= 0xFE0F)
      || (cp >= 0xE0100 && cp <= 0xE01EF);
  }

  /**
   * {@code local@domain}: one {@code @}; a local part of 1 to 64 characters without RFC 5322 specials, not starting or
   * ending with a dot nor holding two in a row; a domain of at most 253 characters with at least two labels, each
   * made of letters, digits, marks and inner hyphens (internationalised domains allowed).
   */
  static boolean shapeOk(String e) {
    int at = e.indexOf('@');
    if (at <= 0 || at != e.lastIndexOf('@')) {
      return false;
    }
    String local = e.substring(0, at);
    String domain = e.substring(at + 1);
    if (local.codePointCount(0, local.length()) > LOCAL_MAX || domain.isEmpty()
      || domain.codePointCount(0, domain.length()) > DOMAIN_MAX) {
      return false;
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return false;
    }
    for (int i = 0; i < local.length(); i++) {
      if (LOCAL_SPECIALS.indexOf(local.charAt(i)) >= 0) {
        return false;
      }
    }
    String[] labels = domain.split("\\.", -1);
    if (labels.length < 2) {
      return false;
    }
    for (String label : labels) {
      if (!labelOk(label)) {
        return false;
      }
    }
    return true;
  }

  private static boolean labelOk(String label) {
    if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
      return false;
    }
    return label.codePoints().allMatch(cp -> Character.isLetterOrDigit(cp) || cp == '-'
      || Character.getType(cp) == Character.NON_SPACING_MARK || Character.getType(cp) == Character.COMBINING_SPACING_MARK);
  }

  private static String hex(int cp) {
    return String.format("U+%04X", cp);
  }
}
