package dev.livepad.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the same figures as {@code /status}, plus JVM and process meters, in
 * Prometheus text format via Micrometer.
 */
public final class PrometheusMetrics implements AutoCloseable {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public PrometheusMetrics(ServerStats stats, StatusReport status) {
        gauge("livepad.connections", "Open WebSockets", stats, s -> s.connections.get());
        gauge("livepad.members", "Room memberships", stats, s -> s.members.get());
        gauge("livepad.rooms", "Rooms that exist", status, StatusReport::rooms);
        gauge("livepad.rooms.active", "Rooms with at least one member", status, StatusReport::activeRooms);
        gauge("livepad.rooms.loaded", "Rooms held in memory", status, StatusReport::loadedRooms);
        counter("livepad.messages.in", "WebSocket messages received", stats, s -> s.messagesIn.sum());
        counter("livepad.messages.out", "WebSocket messages sent", stats, s -> s.messagesOut.sum());
        counter("livepad.ops.applied", "Ops applied", stats, s -> s.opsApplied.sum());
        counter("livepad.errors", "Error replies sent", stats, s -> s.errors.sum());
        counter("livepad.slow.consumers.closed", "Connections closed for falling behind", stats,
                s -> s.slowConsumersClosed.sum());
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private <T> void gauge(String name, String help, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(help).register(registry);
    }

    private <T> void counter(String name, String help, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(help).register(registry);
    }
}
