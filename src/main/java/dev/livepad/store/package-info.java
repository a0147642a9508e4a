/** Durable rooms and op logs: the {@link dev.livepad.store.DocumentStore} interface and its implementations. */
package dev.livepad.store;
