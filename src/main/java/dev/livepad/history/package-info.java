/**
 * A room's past, read from the store: the text at any kept revision, the list of revisions with
 * their authors, and who wrote each part of a text. Rooms in memory hold only their recent ops;
 * everything here reads the log and its snapshots, so it works for rooms that are not loaded and
 * on any instance of a cluster.
 */
package dev.livepad.history;
