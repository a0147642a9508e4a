package dev.livepad.web;

import dev.livepad.protocol.ErrorCode;
import dev.livepad.room.RoomRegistry;
import io.javalin.http.Context;

/**
 * Liveness and readiness for load balancers. {@code /health} answers while the process does;
 * {@code /ready} only while this instance can serve: its store answers, and no shutdown has
 * begun, so a balancer stops sending new clients before the connections close.
 */
final class Health {
    private final RoomRegistry rooms;
    private volatile boolean draining;

    Health(RoomRegistry rooms) {
        this.rooms = rooms;
    }

    /** From now on {@code /ready} answers 503; nothing else changes. */
    void drain() {
        draining = true;
    }

    void health(Context ctx) {
        ctx.contentType("application/json").result("{\"status\":\"ok\"}");
    }

    void ready(Context ctx) {
        String unready = unready();
        if (unready != null) {
            HttpApi.error(ctx, ErrorCode.UNAVAILABLE, unready);
            return;
        }
        ctx.contentType("application/json").result("{\"status\":\"ready\"}");
    }

    boolean draining() {
        return draining;
    }

    /** Why this instance cannot serve now, or null when it can. */
    String unready() {
        if (draining) {
            return "this instance is shutting down";
        }
        try {
            rooms.roomCount(); // a query the store must answer
        } catch (RuntimeException e) {
            return "the store does not answer";
        }
        if (!rooms.busUp()) {
            return "the connection to the other instances (Redis) is down";
        }
        return null;
    }
}
