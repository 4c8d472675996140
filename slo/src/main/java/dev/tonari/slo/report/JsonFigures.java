package dev.tonari.slo.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.OptionalDouble;

/** How every SLO JSON (API, report) writes a figure: the number, or {@code null} for no data (never NaN, which JSON cannot carry). */
public final class JsonFigures {
  private JsonFigures() {}

  public static void write(JsonGenerator json, String field, OptionalDouble value) throws IOException {
    if (value.isPresent() && Double.isFinite(value.getAsDouble())) {
      json.writeNumberField(field, value.getAsDouble());
    } else {
      json.writeNullField(field);
    }
  }
}
