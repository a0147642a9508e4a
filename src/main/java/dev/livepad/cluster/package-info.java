/**
 * Messaging between the instances of a livepad cluster: the {@link dev.livepad.cluster.RoomBus} that fans
 * messages out (in process, or over Redis pub/sub) while the database stays the one authority.
 */
package dev.livepad.cluster;
