package dev.livepad.admin;

/** A command declined to act (a destination exists, the source is not a backup); its message says why. */
final class Refused extends RuntimeException {
    Refused(String message) {
        super(message);
    }
}
