package dev.tonari.tenancy.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link UsageReport} as JSON (the usage API's default), CSV ({@code format=csv}, one
 * row per tenant and day, RFC 4180 quoting) and a terminal table for {@code ./tonari usage}.
 */
public final class UsageRenderers {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String BOLD = "\u001b[1m";
  private static final String DIM = "\u001b[2m";
  private static final String RESET = "\u001b[0m";

  static final List<String> CSV_COLUMNS = List.of("day", "tenant", "entries_ingested", "bytes_ingested", "bytes_stored", "gb_hours_stored",
      "bytes_scanned", "queries", "entries_refused", "cost_ingested", "cost_stored", "cost_scanned", "cost_total", "currency");

  private UsageRenderers() {}

  public static String json(UsageReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("from", report.from().toString());
    root.put("to", report.to().toString());
    root.put("currency", report.currency());
    ArrayNode days = root.putArray("days");
    for (UsageReport.Row row : report.rows()) {
      write(days.addObject(), row);
    }
    ArrayNode totals = root.putArray("totals");
    for (UsageReport.Row row : report.totals()) {
      write(totals.addObject(), row);
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize usage report", e);
    }
  }

  private static void write(ObjectNode node, UsageReport.Row row) {
    if (row.day() != null) {
      node.put("day", row.day().toString());
    }
    node.put("tenant", row.tenant());
    UsageFigures figures = row.figures();
    node.put("entries_ingested", figures.entriesIngested());
    node.put("bytes_ingested", figures.bytesIngested());
    node.put("bytes_stored", figures.storedBytes());
    node.put("stored_byte_hours", figures.storedByteHours());
    node.put("bytes_scanned", figures.bytesScanned());
    node.put("queries", figures.queries());
    node.put("entries_refused", figures.entriesRefused());
    node.put("write_requests", figures.writeRequests());
    node.put("read_requests", figures.readRequests());
    ObjectNode cost = node.putObject("cost");
    cost.put("ingested", row.cost().ingested());
    cost.put("stored", row.cost().stored());
    cost.put("scanned", row.cost().scanned());
    cost.put("requests", row.cost().requests());
    cost.put("total", row.cost().total());
  }

  public static String csv(UsageReport report) {
    StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append("\r\n");
    for (UsageReport.Row row : report.rows()) {
      UsageFigures figures = row.figures();
      List<String> cells = List.of(row.day().toString(), quote(row.tenant()), Long.toString(figures.entriesIngested()),
          Long.toString(figures.bytesIngested()), Long.toString(figures.storedBytes()),
          BigDecimal.valueOf(figures.storedByteHours()).movePointLeft(9).stripTrailingZeros().toPlainString(),
          Long.toString(figures.bytesScanned()), Long.toString(figures.queries()), Long.toString(figures.entriesRefused()),
          row.cost().ingested().toPlainString(), row.cost().stored().toPlainString(), row.cost().scanned().toPlainString(),
          row.cost().total().toPlainString(), report.currency());
      out.append(String.join(",", cells)).append("\r\n");
    }
    return out.toString();
  }

  /** Tenant IDs may contain {@code '} and {@code (}, never commas or quotes, but quote defensively. */
  private static String quote(String cell) {
    return cell.contains(",") || cell.contains("\"") || cell.contains("\n") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
  }

  /**
   * A table with one row per tenant and day, then a total per tenant; numbers right-aligned,
   * sizes in human units, cost with 2 decimals (4 for amounts below 0.01, so they do not show as 0.00). {@code colour} adds ANSI bold
   * headers and dim totals separators, for terminals.
   */
  public static String table(UsageReport report, boolean colour) {
    List<String> header = List.of("DAY", "TENANT", "ENTRIES", "INGESTED", "STORED", "SCANNED", "QUERIES", "REFUSED", "COST " + report.currency());
    List<List<String>> body = new ArrayList<>();
    for (UsageReport.Row row : report.rows()) {
      body.add(cells(row.day().toString(), row));
    }
    List<List<String>> totals = new ArrayList<>();
    for (UsageReport.Row row : report.totals()) {
      totals.add(cells("total", row));
    }
    int[] widths = new int[header.size()];
    for (List<String> line : concat(List.of(header), body, totals)) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, widths, colour ? BOLD : "", colour ? RESET : "");
    body.forEach(row -> line(out, row, widths, "", ""));
    if (!totals.isEmpty()) {
      int width = 0;
      for (int w : widths) {
        width += w + 2;
      }
      out.append(colour ? DIM : "").append("-".repeat(width - 2)).append(colour ? RESET : "").append('\n');
      totals.forEach(row -> line(out, row, widths, colour ? BOLD : "", colour ? RESET : ""));
    }
    if (body.isEmpty()) {
      out.append("no usage between ").append(report.from()).append(" and ").append(report.to()).append('\n');
    }
    return out.toString();
  }

  private static List<String> cells(String day, UsageReport.Row row) {
    UsageFigures figures = row.figures();
    return List.of(day, row.tenant(), Long.toString(figures.entriesIngested()), human(figures.bytesIngested()), human(figures.storedBytes()),
        human(figures.bytesScanned()), Long.toString(figures.queries()), Long.toString(figures.entriesRefused()), money(row.cost().total()));
  }

  @SafeVarargs
  private static List<List<String>> concat(List<List<String>>... parts) {
    List<List<String>> all = new ArrayList<>();
    for (List<List<String>> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths, String before, String after) {
    out.append(before);
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String padding = " ".repeat(widths[i] - cell.length());
      // Day and tenant read left to right; numbers line up on the right.
      out.append(i < 2 ? cell + padding : padding + cell);
      if (i < cells.size() - 1) {
        out.append("  ");
      }
    }
    out.append(after).append('\n');
  }

  /** Decimal units (kB = 1000 B) as the price sheet counts GB. */
  static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double value = bytes;
    int unit = -1;
    while (value >= 999.95 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  static String money(BigDecimal amount) {
    int scale = amount.abs().compareTo(new BigDecimal("0.01")) < 0 && amount.signum() != 0 ? 4 : 2;
    return amount.setScale(scale, RoundingMode.HALF_EVEN).toPlainString();
  }
}
