/** The domain: rooms, their members and history, and the per-room ordering of ops. */
package dev.livepad.room;
