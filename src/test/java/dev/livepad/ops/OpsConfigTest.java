package dev.livepad.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.Promtool;
import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What docs/ops ships: Prometheus accepts the scrape config and the rules, the rules pass their
 * unit tests, and every metric the rules and the Grafana dashboard name is one a real server
 * exposes, so a renamed metric cannot silently blind an alert.
 */
@Timeout(60)
class OpsConfigTest {
    private static final Path OPS = Path.of("docs", "ops");
    /** A metric name in PromQL: ours, the JVM's and process's, and Prometheus's own {@code up}. */
    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:livepad|jvm|process|system)_[a-z0-9_]+|up)\\b(?=\\s*[{\\[)=<>!]|\\s*$|\\s+(?:and|or|unless|>|<))");

    @Test
    void promtool_accepts_the_scrape_config_and_the_rules_and_their_tests_pass() {
        for (String[] args : List.of(
                new String[] {"check", "config", OPS.resolve("prometheus.yml").toString()},
                new String[] {"check", "rules", OPS.resolve("livepad-alerts.yml").toString()},
                new String[] {"test", "rules", OPS.resolve("livepad-alerts.test.yml").toString()})) {
            Promtool.Result result = Promtool.run(null, args);
            assertTrue(result.ok(), () -> "promtool " + String.join(" ", args) + ":\n" + result.output());
        }
    }

    @Test
    void every_metric_the_alerts_and_the_dashboard_use_is_one_the_server_exposes() throws IOException {
        Set<String> used = new TreeSet<>();
        used.addAll(metrics(Files.readString(OPS.resolve("livepad-alerts.yml"))));
        JsonNode dashboard = new ObjectMapper().readTree(OPS.resolve("grafana-dashboard.json").toFile());
        assertEquals("livepad", dashboard.get("uid").asText());
        List<String> expressions = new ArrayList<>();
        dashboard
                .get("panels")
                .forEach(panel -> panel.get("targets")
                        .forEach(t -> expressions.add(t.get("expr").asText())));
        assertTrue(expressions.size() >= 16, "a dashboard with its panels");
        expressions.forEach(expr -> used.addAll(metrics(expr)));
        assertTrue(used.contains("livepad_op_ack_seconds_bucket") && used.contains("up"), used::toString);

        String scrape;
        try (TestServer server = TestServer.start()) {
            scrape = server.get("/metrics", null).body();
        }
        Set<String> exposed = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exposed);
        missing.remove("up"); // Prometheus's own
        missing.removeIf(name -> name.startsWith("jvm_gc_")); // Micrometer registers these at the first collection
        assertTrue(missing.isEmpty(), () -> "named in docs/ops but not in /metrics: " + missing);
        assertFalse(exposed.isEmpty());
    }

    private static Set<String> metrics(String promql) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(promql);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
