package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InMemoryDocumentStoreTest extends DocumentStoreContract {

    @Override
    protected DocumentStore newStore() {
        return new InMemoryDocumentStore();
    }

    @Test
    void an_append_future_is_already_complete_when_returned() {
        RoomRecord room = created("alpha");
        CompletableFuture<Void> ok = store.append(room.id(), op(1, "a"));
        CompletableFuture<Void> conflict = store.append(room.id(), op(1, "b"));
        assertTrue(ok.isDone() && !ok.isCompletedExceptionally());
        assertTrue(conflict.isCompletedExceptionally());
    }

    @Test
    void a_closed_store_refuses_appends_and_calls() {
        RoomRecord room = created("alpha");
        store.close();
        assertInstanceOf(StoreException.class, failureOf(store.append(room.id(), op(1, "a"))));
        assertThrows(StoreException.class, () -> store.createRoom(room("beta")));
    }
}
