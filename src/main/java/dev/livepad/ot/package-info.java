/** Operational transformation for plain text: ot.js-compatible operations, selections and the client state machine. */
package dev.livepad.ot;
