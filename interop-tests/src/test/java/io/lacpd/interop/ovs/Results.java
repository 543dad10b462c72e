package io.lacpd.interop.ovs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured figures of one test run, printed as they come ("interop: ...") and summed up at the end,
 * also into target/interop-results.txt (docs/interop.md quotes them). A figure is in milliseconds unless
 * recorded with another unit.
 */
public final class Results {

    /** One figure's samples and their unit. */
    private record Figure(String unit, List<Double> values) {
    }

    private static final Map<String, Figure> FIGURES = new LinkedHashMap<>();

    private Results() {
    }

    public static void record(String name, double millis) {
        record(name, millis, "ms");
    }

    /** A figure in {@code unit}: "Gbit/s" prints with two decimals, anything else as a whole number. */
    public static synchronized void record(String name, double value, String unit) {
        Figure f = FIGURES.computeIfAbsent(name, k -> new Figure(unit, new ArrayList<>()));
        if (!f.unit.equals(unit)) {
            throw new IllegalArgumentException(name + " is in " + f.unit + ", not " + unit);
        }
        f.values.add(value);
        System.out.printf("interop: %s = " + format(unit) + " %s%n", name, value, unit);
    }

    private static String format(String unit) {
        return unit.equals("Gbit/s") ? "%.2f" : "%.0f";
    }

    public static synchronized void note(String line) {
        System.out.println("interop: " + line);
    }

    /** The median of the samples. */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static synchronized String summary() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Figure> e : FIGURES.entrySet()) {
            List<Double> v = e.getValue().values;
            String n = format(e.getValue().unit).replace("%", "%6");
            sb.append(String.format("%-55s median " + n + " %s  min " + n + "  max " + n + "  (n=%d)%n", e.getKey(),
                    median(v), e.getValue().unit, v.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    v.stream().mapToDouble(Double::doubleValue).max().orElse(0), v.size()));
        }
        return sb.toString();
    }

    public static synchronized void writeSummary(String header) {
        String text = header + "\n" + summary();
        System.out.print(text);
        try {
            Path out = Path.of("target", "interop-results.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("interop: could not write target/interop-results.txt: " + e);
        }
    }
}
