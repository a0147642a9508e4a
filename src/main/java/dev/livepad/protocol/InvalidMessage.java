package dev.livepad.protocol;

/** A frame that could not be decoded, with whatever of its room and ref could be read. */
public final class InvalidMessage extends Exception {
    private final ErrorCode code;
    private final String room;
    private final String ref;

    public InvalidMessage(ErrorCode code, String message, String room, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.room = room;
        this.ref = ref;
    }

    public ErrorCode code() {
        return code;
    }

    public String room() {
        return room;
    }

    public String ref() {
        return ref;
    }
}
