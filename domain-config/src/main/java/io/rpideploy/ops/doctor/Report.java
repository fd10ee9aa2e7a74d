package io.rpideploy.ops.doctor;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/** The findings as a table for people or as JSON for scripts, and the exit code: 0 all OK, 1 warnings, 2 failures. */
public record Report(List<Finding> findings, Instant at) {

    public Report {
        findings = List.copyOf(findings);
    }

    public Status status() {
        return findings.stream().map(Finding::status).reduce(Status.OK, Status::worst);
    }

    public int exitCode() {
        return status().exitCode();
    }

    public void printTable(PrintStream out) {
        int width = findings.stream().mapToInt(f -> f.check().length()).max().orElse(5);
        String row = "%-" + width + "s  %-6s  %s%n";
        out.printf(row, "CHECK", "STATUS", "RESULT");
        for (Finding f : findings) {
            out.printf(row, f.check(), f.status(), f.message());
            if (f.hint() != null && f.status() != Status.OK) {
                out.printf(row, "", "", "-> " + f.hint());
            }
        }
        long warn = findings.stream().filter(f -> f.status() == Status.WARN).count();
        long fail = findings.stream().filter(f -> f.status() == Status.FAIL).count();
        out.printf("%n%s: %d checks, %d warnings, %d failures%n", status(), findings.size(), warn, fail);
    }

    public JsonObject json() {
        JsonArrayBuilder checks = Json.createArrayBuilder();
        for (Finding f : findings) {
            JsonObjectBuilder c = Json.createObjectBuilder().add("check", f.check())
                    .add("status", f.status().name()).add("message", f.message());
            if (f.hint() != null) {
                c.add("hint", f.hint());
            }
            checks.add(c);
        }
        return Json.createObjectBuilder().add("status", status().name()).add("exit_code", exitCode())
                .add("at", at.toString()).add("checks", checks).build();
    }
}
