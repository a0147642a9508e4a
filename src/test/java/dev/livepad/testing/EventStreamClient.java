package dev.livepad.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A server-sent event stream read the way EventSource reads one (fields {@code id}, {@code data},
 * comment lines), on a thread of its own, into a queue the test takes events from. A real HTTP
 * client on a real socket; closing it ends the request, as a browser closing the tab does.
 */
public final class EventStreamClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object END = new Object();

    /** One event: its id (null when it had none) and its data parsed as JSON. */
    public record Event(String id, JsonNode data) {
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile int comments;

    private EventStreamClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri} with these request headers; returns once the status line is in. */
    public static EventStreamClient open(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        try {
            return new EventStreamClient(HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new AssertionError("could not open " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The body of a refused stream (a JSON error), read whole. */
    public JsonNode errorBody() {
        StringBuilder body = new StringBuilder();
        for (Object line = poll(Duration.ofSeconds(5)); line instanceof String s; line = poll(Duration.ofSeconds(5))) {
            body.append(s);
        }
        try {
            return JSON.readTree(body.toString());
        } catch (JacksonException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private void read() {
        try {
            Iterator<String> lines = response.body().iterator();
            String id = null;
            StringBuilder data = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (response.statusCode() != 200) {
                    received.add(line);
                } else if (line.isEmpty()) {
                    if (data != null) {
                        received.add(new Event(id, JSON.readTree(data.toString())));
                    }
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the stream ended under us: that is the end
        } finally {
            received.add(END);
        }
    }

    private Object poll(Duration timeout) {
        try {
            Object next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (next == END) {
                received.add(END);
                return null;
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next event; fails if none comes within {@link WsClient#TIMEOUT} or the stream ended. */
    public Event next() {
        Object next = poll(WsClient.TIMEOUT);
        if (next instanceof Event event) {
            return event;
        }
        throw new AssertionError(next == null ? "no event within " + WsClient.TIMEOUT + " (or the stream ended)"
                : "not an event: " + next);
    }

    /** Skips events until one whose data matches. */
    public Event next(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = next();
            if (wanted.test(event.data())) {
                return event;
            }
        }
        throw new AssertionError("no matching event within " + WsClient.TIMEOUT);
    }

    public Event nextOfType(String type) {
        return next(data -> type.equals(data.path("type").asText()));
    }

    /** Whether the server ended the stream within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Object next = received.peek();
            if (next == END) {
                return true;
            }
            if (next != null) {
                received.poll();
            } else {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Comment lines seen so far (the server's keep-alives). */
    public int comments() {
        return comments;
    }

    /** The joined event that opens every stream. */
    public JsonNode joined() {
        Event joined = next();
        assertEquals("joined", joined.data().path("type").asText(), joined::toString);
        return joined.data();
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
