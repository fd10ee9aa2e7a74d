package io.rpideploy.hostnames.control;

import io.rpideploy.platform.control.DomainException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads kart numbers from a CSV file as spreadsheets export it: any delimiter-separated cells, one or many per
 * line, an optional header row (a first row without a single digit in it), blank cells ignored.
 */
public final class KartNumberCsv {

    private static final Pattern HAS_DIGIT = Pattern.compile(".*\\d.*");

    private KartNumberCsv() {
    }

    public static KartNumberParser.Parsed parse(String csv) {
        if (csv == null || csv.isBlank()) {
            throw DomainException.invalid("numbers", "The CSV file is empty");
        }
        char delimiter = csv.indexOf(';') >= 0 && csv.indexOf(',') < 0 ? ';' : ',';
        List<String> cells = new ArrayList<>();
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setTrim(true)
                .setIgnoreEmptyLines(true).get().parse(new StringReader(csv))) {
            boolean first = true;
            for (CSVRecord record : parser) {
                boolean header = first && record.stream().noneMatch(cell -> HAS_DIGIT.matcher(cell).matches());
                first = false;
                if (!header) {
                    record.stream().filter(cell -> !cell.isBlank()).forEach(cells::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException | IllegalArgumentException badCsv) {
            throw DomainException.invalid("numbers", "The CSV file cannot be read: " + badCsv.getMessage());
        }
        if (cells.isEmpty()) {
            throw DomainException.invalid("numbers", "The CSV file holds no kart numbers");
        }
        return KartNumberParser.parse(cells);
    }
}
