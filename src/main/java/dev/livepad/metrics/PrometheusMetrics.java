package dev.livepad.metrics;

import com.sun.management.OperatingSystemMXBean;
import dev.livepad.protocol.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * {@code GET /metrics}: every figure of {@link ServerStats} and {@code /status}, and the JVM's and
 * process's own, in Prometheus text format via Micrometer. Names follow Prometheus conventions
 * (Micrometer adds {@code _total} to counters and the base unit to timers); labels are only ever
 * from small fixed sets (an error code, a close code), never a room, client or token.
 * docs/operations.md lists every name.
 */
public final class PrometheusMetrics implements AutoCloseable {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public PrometheusMetrics() {
        // Two of Micrometer's process meters break Prometheus's naming rules (promtool check
        // metrics): CPU time in nanoseconds, and a gauge ending in _count. The first is replaced
        // by the conventional process_cpu_seconds_total (bind), the second renamed.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
    }

    /** The registry {@link ServerStats} registers its histograms with; call {@link #bind} next. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the server's counters and gauges, and the JVM's. */
    public void bind(ServerStats stats, StatusReport status) {
        gauge("livepad.connections", "Open WebSockets", () -> stats.connections.get());
        gauge("livepad.event.streams", "Open server-sent event streams of rooms", () -> stats.eventStreams.get());
        counter("livepad.connections.opened", "WebSockets opened", stats.connectionsOpened);
        for (int code : CloseCounts.CODES) {
            closes(stats, code);
        }
        closes(stats, 4000); // stands for every code without a slot of its own
        gauge("livepad.members", "Room memberships", () -> stats.members.get());
        counter("livepad.joins", "Joins accepted", stats.joins);
        counter("livepad.leaves", "Memberships ended (leave, disconnect, room deleted)", stats.leaves);
        gauge("livepad.rooms", "Rooms that exist", status::rooms);
        gauge("livepad.rooms.active", "Rooms with at least one member", status::activeRooms);
        gauge("livepad.rooms.loaded", "Rooms held in memory", status::loadedRooms);
        counter("livepad.messages.received", "WebSocket messages received", stats.messagesIn);
        counter("livepad.messages.sent", "WebSocket messages sent", stats.messagesOut);
        bytes("livepad.received", "WebSocket message bytes received (UTF-8 payload)", stats.bytesIn);
        bytes("livepad.sent", "WebSocket message bytes sent (UTF-8 payload)", stats.bytesOut);
        counter("livepad.ops.applied", "Ops applied", stats.opsApplied);
        for (ErrorCode code : ErrorCode.values()) {
            FunctionCounter.builder("livepad.errors", stats, s -> s.errors(code))
                    .description("Error replies sent on WebSockets, by code").tag("code", code.wireName())
                    .register(registry);
            FunctionCounter.builder("livepad.upgrades.rejected", stats, s -> s.upgradesRejected(code))
                    .description("WebSocket upgrades refused, by code").tag("reason", code.wireName())
                    .register(registry);
        }
        counter("livepad.slow.consumers.closed", "Connections closed for falling behind (1013)",
                stats.slowConsumersClosed);
        counter("livepad.store.failures", "Store commits that failed", stats.storeFailures);
        counter("livepad.cluster.gap.fills", "Cluster: reads of missed ops from the shared log", stats.logCatchUps);
        counter("livepad.cluster.append.conflicts", "Cluster: appends that lost their revisions to another instance",
                stats.appendConflicts);
        counter("livepad.cluster.appends.rebased", "Cluster: appends stored after the winners, transformed past them",
                stats.appendsRebased);
        counter("livepad.cluster.remote.ops.applied", "Cluster: ops of other instances applied here",
                stats.remoteOpsApplied);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by this process").register(registry);
        }
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** A gauge read at each scrape. */
    public void gauge(String name, String help, DoubleSupplier value) {
        Gauge.builder(name, value, DoubleSupplier::getAsDouble).strongReference(true).description(help)
                .register(registry);
    }

    /** A gauge in bytes ({@code _bytes} is appended), read at each scrape. */
    public void bytesGauge(String name, String help, LongSupplier value) {
        Gauge.builder(name, value, LongSupplier::getAsLong).strongReference(true).description(help).baseUnit("bytes")
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private void closes(ServerStats stats, int code) {
        String label = CloseCounts.label(code);
        FunctionCounter.builder("livepad.connections.closed", stats, s -> s.connectionsClosed().count(code))
                .description("WebSockets closed, by close code (1006: dropped without a close frame)")
                .tag("code", label).register(registry);
        FunctionCounter.builder("livepad.closes.sent", stats, s -> s.closesSent().count(code))
                .description("WebSockets the server closed, by close code").tag("code", label).register(registry);
    }

    private void counter(String name, String help, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(help).register(registry);
    }

    private void bytes(String name, String help, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(help).baseUnit("bytes").register(registry);
    }
}
