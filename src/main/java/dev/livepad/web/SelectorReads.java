package dev.livepad.web;

import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.server.internal.AbstractHandshaker;
import org.eclipse.jetty.websocket.core.server.internal.RFC6455Negotiation;
import org.eclipse.jetty.websocket.core.server.internal.WebSocketNegotiation;
import org.eclipse.jetty.websocket.core.util.WebSocketUtils;

/**
 * Jetty's HTTP/1.1 WebSocket handshake ({@code RFC6455Handshaker}, which is final), with one
 * change: the socket's frames are read and handled on the selector thread that saw it readable.
 *
 * <p>Jetty's {@code WebSocketConnection} registers read interest as <em>blocking</em>, so for
 * every readable socket the selector wakes another thread (a reserved one, which then wakes the
 * next) to read one small frame: in {@code fanout} that was a futex wake-up, a park and two
 * context switches per op, the largest share of the server's CPU outside system calls
 * (docs/performance.md). Declaring the read non-blocking lets the selector run it. That is only
 * right because nothing on our read path blocks: {@link SocketEndpoint} handles ops, cursors and
 * pings without waiting, and hands a join (which may load a room from the store) to the server's
 * pool before asking Jetty for the next frame.
 */
final class SelectorReads extends AbstractHandshaker {
    private static final HttpField UPGRADE_WEBSOCKET = new PreEncodedHttpField(HttpHeader.UPGRADE, "websocket");
    private static final HttpField CONNECTION_UPGRADE =
            new PreEncodedHttpField(HttpHeader.CONNECTION, HttpHeader.UPGRADE.asString());

    @Override
    public boolean isWebSocketUpgradeRequest(Request request) {
        return HttpMethod.GET.is(request.getMethod())
                && HttpVersion.HTTP_1_1.is(request.getConnectionMetaData().getProtocol())
                && super.isWebSocketUpgradeRequest(request);
    }

    @Override
    protected WebSocketNegotiation newNegotiation(Request request, Response response, Callback callback,
                                                  WebSocketComponents components) {
        return new RFC6455Negotiation(request, response, callback, components);
    }

    @Override
    protected boolean validateNegotiation(WebSocketNegotiation negotiation) {
        if (!super.validateNegotiation(negotiation)) {
            return false;
        }
        if (((RFC6455Negotiation) negotiation).getKey() == null) {
            throw new HttpException.RuntimeException(HttpStatus.BAD_REQUEST_400,
                    "Missing request header 'Sec-WebSocket-Key'");
        }
        return true;
    }

    @Override
    protected WebSocketConnection createWebSocketConnection(Request request, WebSocketCoreSession session) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        WebSocketConnection connection = new OnSelector(meta.getConnection().getEndPoint(),
                meta.getConnector().getExecutor(), meta.getConnector().getScheduler(),
                meta.getConnector().getByteBufferPool(), session);
        session.setWebSocketConnection(connection);
        return connection;
    }

    @Override
    protected void prepareResponse(Response response, WebSocketNegotiation negotiation) {
        response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(UPGRADE_WEBSOCKET);
        headers.put(CONNECTION_UPGRADE);
        headers.put(HttpHeader.SEC_WEBSOCKET_ACCEPT,
                WebSocketUtils.hashKey(((RFC6455Negotiation) negotiation).getKey()));
    }

    /** A WebSocket connection whose read interest is non-blocking: the selector thread reads it. */
    private static final class OnSelector extends WebSocketConnection {
        private final Callback readable = new Callback() {
            @Override
            public void succeeded() {
                onFillable();
            }

            @Override
            public void failed(Throwable cause) {
                onFillInterestedFailed(cause);
            }

            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        };

        OnSelector(EndPoint endPoint, Executor executor, Scheduler scheduler, ByteBufferPool buffers,
                   WebSocketCoreSession session) {
            super(endPoint, executor, scheduler, buffers, session);
        }

        @Override
        public void fillInterested() {
            fillInterested(readable);
        }
    }
}
