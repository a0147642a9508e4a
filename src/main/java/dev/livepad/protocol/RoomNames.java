package dev.livepad.protocol;

import java.util.regex.Pattern;

/**
 * The rule for room names: 1 to 64 characters from {@code A-Z a-z 0-9 . _ -}, except {@code .}
 * and {@code ..}, which URLs treat as path steps: browsers and HTTP clients rewrite
 * {@code /api/rooms/../text} before sending it, so such a room's REST paths could never be reached.
 */
public final class RoomNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RoomNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}
