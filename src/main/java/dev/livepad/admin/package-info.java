/** Commands an operator runs against a data directory with the server's jar: backup, restore, export. */
package dev.livepad.admin;
