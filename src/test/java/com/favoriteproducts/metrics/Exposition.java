package com.favoriteproducts.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text exposition, parsed into samples (tests only). */
final class Exposition {

  record Sample(String name, Map<String, String> labels, double value) {
  }

  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  final String text;
  final List<Sample> samples = new ArrayList<>();

  Exposition(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      int brace = series.indexOf('{');
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        Matcher m = LABEL.matcher(series.substring(brace));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      samples.add(new Sample(brace >= 0 ? series.substring(0, brace) : series, labels, value));
    }
  }

  /** The samples of this name having all the given labels ({@code key, value} pairs). */
  List<Sample> find(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && matches(s, labels)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The one sample of this name with these labels; fails when there is none or several. */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() != 1) {
      throw new AssertionError("expected one sample " + name + " " + List.of(labels) + ", found " + found);
    }
    return found.get(0).value();
  }

  /** The sum over the samples of this name having these labels (0 when none). */
  double sum(String name, String... labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Whether any sample's name starts with this prefix. */
  boolean hasPrefix(String prefix) {
    return samples.stream().anyMatch(s -> s.name().startsWith(prefix));
  }

  private static boolean matches(Sample s, String[] labels) {
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
