package dev.livepad.protocol;

import java.util.Optional;

/** What a token lets its holder do in its room. */
public enum Role {
    OWNER, EDITOR, VIEWER;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean canEdit() {
        return this != VIEWER;
    }

    public static Optional<Role> fromWire(String value) {
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
