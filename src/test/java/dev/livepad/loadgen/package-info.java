/**
 * The load generator: drives a running livepad over loopback HTTP and WebSocket only, with the client half of OT
 * from {@code dev.livepad.ot}, and reports latency, throughput and the server's CPU and memory. It shares no code
 * with the server's room, store or web packages, so it measures what any other client would see.
 */
package dev.livepad.loadgen;
