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
 * also into target/interop-results.txt (docs/interop.md quotes them).
 */
final class Results {

    private static final Map<String, List<Double>> FIGURES = new LinkedHashMap<>();

    private Results() {
    }

    static synchronized void record(String name, double millis) {
        FIGURES.computeIfAbsent(name, k -> new ArrayList<>()).add(millis);
        System.out.printf("interop: %s = %.0f ms%n", name, millis);
    }

    static synchronized void note(String line) {
        System.out.println("interop: " + line);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static synchronized String summary() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Double>> e : FIGURES.entrySet()) {
            List<Double> v = e.getValue();
            sb.append(String.format("%-55s median %6.0f ms  min %6.0f  max %6.0f  (n=%d)%n", e.getKey(), median(v),
                    v.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    v.stream().mapToDouble(Double::doubleValue).max().orElse(0), v.size()));
        }
        return sb.toString();
    }

    static synchronized void writeSummary(String header) {
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
