package dev.livepad.room;

import dev.livepad.protocol.MemberInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room's members on other instances, as their bus messages last said. Not stored anywhere:
 * each instance sends its members on every change and every few seconds, so a lost message heals
 * at the next one, and the members of an instance that has gone quiet (killed, cut off) are
 * dropped once it has been silent longer than the expiry. Used on the room's executor only.
 */
final class RemoteMembers {
    private final Map<String, Map<String, MemberInfo>> byInstance = new HashMap<>();
    private final Map<String, Long> lastHeard = new HashMap<>();

    List<MemberInfo> all() {
        List<MemberInfo> all = new ArrayList<>();
        byInstance.values().forEach(members -> all.addAll(members.values()));
        return all;
    }

    int count() {
        return byInstance.values().stream().mapToInt(Map::size).sum();
    }

    void heard(String instance, long nowNanos) {
        lastHeard.put(instance, nowNanos);
    }

    /** True when the member is new here. */
    boolean joined(String instance, MemberInfo member) {
        return byInstance.computeIfAbsent(instance, i -> new LinkedHashMap<>()).put(member.clientId(), member) == null;
    }

    /**
     * Takes {@code members} as everything {@code instance} has; {@code joined} and {@code left}
     * receive the differences from what was known.
     */
    void replace(String instance, List<MemberInfo> members, List<MemberInfo> joined, List<MemberInfo> left) {
        Map<String, MemberInfo> known = byInstance.getOrDefault(instance, Map.of());
        Map<String, MemberInfo> now = new LinkedHashMap<>();
        for (MemberInfo m : members) {
            now.put(m.clientId(), m);
            if (!known.containsKey(m.clientId())) {
                joined.add(m);
            }
        }
        for (MemberInfo m : known.values()) {
            if (!now.containsKey(m.clientId())) {
                left.add(m);
            }
        }
        if (now.isEmpty()) {
            byInstance.remove(instance);
        } else {
            byInstance.put(instance, now);
        }
    }

    /** Drops the members of every instance not heard from since {@code deadlineNanos}; returns them. */
    List<MemberInfo> expire(long deadlineNanos) {
        List<MemberInfo> gone = new ArrayList<>();
        lastHeard.entrySet().removeIf(e -> {
            if (e.getValue() - deadlineNanos >= 0) {
                return false;
            }
            Map<String, MemberInfo> members = byInstance.remove(e.getKey());
            if (members != null) {
                gone.addAll(members.values());
            }
            return true;
        });
        return gone;
    }
}
