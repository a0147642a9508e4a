package dev.livepad.web;

import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ServerMessages;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a malformed URI, an oversized header, a bad chunked body:
 * failures before Javalin sees the request) as the same {@code {"error","message"}} JSON as
 * every other livepad error, instead of an HTML page, and never with a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

    /** Every method gets a body, including the unknown method of a request Jetty could not parse. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        write(response, code, callback);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code, String message,
                                                 Throwable cause) {
        write(response, code, callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status));
    }

    private static void write(Response response, int code, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    static byte[] body(int status) {
        ErrorCode code = WebServer.codeFor(status);
        String message = switch (status) {
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413, 414, 431 -> "the request is too large";
            default -> status >= 500 ? "internal error" : "the request is malformed";
        };
        return ServerMessages.httpError(code, message).getBytes(StandardCharsets.UTF_8);
    }
}
