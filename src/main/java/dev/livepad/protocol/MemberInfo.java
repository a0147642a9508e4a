package dev.livepad.protocol;

/** A room member as others see it in {@code joined} and {@code presence} messages. */
public record MemberInfo(String clientId, String name, Role role) {
}
