/** The wire: client message records, server message encoding, error codes and the JSON codec. */
package dev.livepad.protocol;
