package io.fmodel.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** The one table: each row a figure of the framework, its baseline measured in the same run, and their ratio. */
final class Report {

    record Row(String id, String measurement, String framework, String baseline, String ratio, String notes) {}

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    void header(String line) {
        header.add(line);
    }

    void row(String id, String measurement, String framework, String baseline, double ratio, String notes) {
        Row row = new Row(id, measurement, framework, baseline, String.format("%.2f", ratio), notes);
        rows.add(row);
        System.err.println("  done: " + format(row));
    }

    void missing(String id, String measurement, String why) {
        rows.add(new Row(id, measurement, "-", "-", "-", "MISSING: " + why));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        for (String line : header) {
            out.append(line).append('\n');
        }
        out.append('\n');
        out.append("| # | Measurement | Framework | Baseline | Ratio | Notes |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append(format(row)).append('\n');
        }
        return out.toString();
    }

    private static String format(Row row) {
        return "| " + row.id() + " | " + row.measurement() + " | " + row.framework() + " | " + row.baseline() + " | "
                + row.ratio() + " | " + row.notes() + " |";
    }

    static String rate(double perSecond, String unit) {
        return String.format("%,.0f %s/s", perSecond, unit);
    }

    static String ms(double millis) {
        return millis >= 100 ? String.format("%,.0f ms", millis) : String.format("%.2f ms", millis);
    }
}
