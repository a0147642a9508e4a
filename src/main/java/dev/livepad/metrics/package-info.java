/** Counters of a running server and their presentation as {@code /status} JSON and Prometheus text. */
package dev.livepad.metrics;
