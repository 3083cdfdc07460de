package com.favoriteproducts.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Makes a deterministic catalog from a seed. Product {@code i} depends only on (seed, i), through a
 * {@link java.util.Random} whose algorithm the Java specification fixes, so every machine and every start gives
 * the same products, and a smaller catalog is a prefix of a larger one with the same seed.
 */
public final class CatalogGenerator {

  /** Share of products without a review score (the key is absent from their JSON). */
  public static final double NO_REVIEW_SHARE = 0.10;

  private record Category(String name, int minCents, int maxCents, String[] brands, String[] variants) { }

  private static final Category[] CATEGORIES = {
      new Category("Smartphone", 49_900, 899_900,
          new String[] {"samsung", "motorola", "apple", "xiaomi", "lg"},
          new String[] {"64GB", "128GB", "256GB", "Dual Chip", "5G"}),
      new Category("Notebook", 179_900, 1_299_900,
          new String[] {"dell", "lenovo", "acer", "asus", "samsung", "positivo"},
          new String[] {"Core i5 8GB", "Core i7 16GB", "Ryzen 5 8GB", "SSD 256GB", "15,6\""}),
      new Category("Smart TV LED", 99_900, 1_499_900,
          new String[] {"samsung", "lg", "philco", "tcl", "aoc"},
          new String[] {"32\"", "43\" 4K", "50\" 4K", "55\" 4K", "65\" 4K"}),
      new Category("Geladeira Frost Free", 189_900, 899_900,
          new String[] {"brastemp", "electrolux", "consul", "panasonic"},
          new String[] {"375L", "431L", "Duplex 462L", "Inverse 454L", "Inox 400L"}),
      new Category("Cafeteira", 8_990, 149_900,
          new String[] {"arno", "britânia", "mondial", "philco", "nespresso"},
          new String[] {"Elétrica", "Expresso", "30 Xícaras", "Cápsulas", "Inox"}),
      new Category("Fone de Ouvido Bluetooth", 4_990, 249_900,
          new String[] {"jbl", "sony", "edifier", "philips", "xiaomi"},
          new String[] {"Preto", "Branco", "Azul", "com Microfone", "Esportivo"}),
      new Category("Liquidificador", 7_990, 59_900,
          new String[] {"arno", "mondial", "oster", "britânia", "philips walita"},
          new String[] {"12 Velocidades", "1200W", "Jarra de Vidro", "com Filtro", "Turbo"}),
      new Category("Cadeira Gamer", 49_900, 299_900,
          new String[] {"dt3", "thunderx3", "pichau", "fortrek"},
          new String[] {"Preta", "Vermelha", "Reclinável", "com Apoio", "Azul"}),
      new Category("Jogo de Panelas", 9_990, 199_900,
          new String[] {"tramontina", "brinox", "rochedo", "panelux"},
          new String[] {"5 Peças", "10 Peças", "Antiaderente", "Inox", "Cerâmica"}),
      new Category("Bicicleta Aro 29", 69_900, 599_900,
          new String[] {"caloi", "houston", "track & bikes", "south"},
          new String[] {"21 Marchas", "Alumínio", "Freio a Disco", "Suspensão", "MTB"}),
  };

  private static final String[] COLORS = {"Preto", "Branco", "Prata", "Cinza", "Azul", "Vermelho", "Grafite"};

  private CatalogGenerator() { }

  /** The first {@code size} products for {@code seed}. */
  public static List<Product> generate(long seed, int size) {
    List<Product> products = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      products.add(product(seed, i));
    }
    return products;
  }

  /** Product number {@code index} (from 0) of the catalog with this seed. */
  public static Product product(long seed, int index) {
    Random random = new Random(mix(seed ^ mix(index + 0x632BE59BD9B4E019L)));
    long hi = (random.nextLong() & ~0xF000L) | 0x4000L;                              // version 4
    long lo = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF variant
    UUID id = new UUID(hi, lo);
    Category category = CATEGORIES[random.nextInt(CATEGORIES.length)];
    String brand = category.brands()[random.nextInt(category.brands().length)];
    String variant = category.variants()[random.nextInt(category.variants().length)];
    String color = COLORS[random.nextInt(COLORS.length)];
    String model = (char) ('A' + random.nextInt(26)) + "" + (100 + random.nextInt(9900));
    String title = category.name() + " " + capitalize(brand) + " " + model + " " + variant + " " + color;
    long cents = category.minCents() + random.nextInt(category.maxCents() - category.minCents() + 1);
    cents = switch (random.nextInt(3)) {
      case 0 -> cents / 100 * 100;      // 1699.0
      case 1 -> cents / 100 * 100 + 90; // 149.9
      default -> cents;                 // 37.45
    };
    double price = cents / 100.0;
    Double reviewScore = random.nextDouble() < NO_REVIEW_SHARE
        ? null
        : Math.round((1.0 + random.nextDouble() * 4.0) * 1_000_000) / 1_000_000.0;
    return new Product(id, title, brand, Product.imageFor(id), price, reviewScore);
  }

  private static String capitalize(String brand) {
    StringBuilder sb = new StringBuilder(brand.length());
    boolean start = true;
    for (char c : brand.toCharArray()) {
      sb.append(start ? Character.toUpperCase(c) : c);
      start = c == ' ';
    }
    return sb.toString();
  }

  /** SplitMix64 finalizer: spreads neighbouring seeds and indexes over the whole 64-bit range. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
