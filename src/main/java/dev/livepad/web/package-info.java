/** The edge, and the only package that knows Javalin: WebSocket endpoint, HTTP API, origin checks and limits. */
package dev.livepad.web;
