package dev.livepad.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster fixture itself: its schema lives exactly as long as the cluster, its instances come
 * back on their ports after a kill, and nginx built by {@link Nginx#loadBalancing} skips a dead one.
 */
@Timeout(180)
class ClusterIT {
    @TempDir
    Path dir;

    @Test
    void a_cluster_has_its_own_schema_until_it_closes() throws Exception {
        String schema;
        try (Cluster cluster = Cluster.create(dir)) {
            schema = cluster.schema();
            assertTrue(schema.matches("livepad_test_[0-9a-f]{12}"), schema);
            assertTrue(schemaExists(schema));
            assertTrue(cluster.databaseUrl("127.0.0.1", 6543)
                    .endsWith("@127.0.0.1:6543/test?currentSchema=" + schema));
            assertTrue(cluster.jwtSecret().length() >= 32);
            try (Cluster other = Cluster.create(dir)) {
                assertNotEquals(schema, other.schema());
                assertNotEquals(cluster.jwtSecret(), other.jwtSecret());
            }
        }
        assertFalse(schemaExists(schema), "dropped on close");
    }

    @Test
    void a_killed_instance_restarts_on_its_port_and_nginx_sends_past_it_meanwhile(@TempDir Path nginxDir)
            throws Exception {
        Nginx.requireInstalled();
        try (Cluster cluster = Cluster.start(dir, 2)) {
            List<Integer> ports = cluster.ports();
            int port = Nginx.freePort();
            try (Nginx nginx = Nginx.start(nginxDir, Nginx.loadBalancing(port, ports), port)) {
                assertAllReady(nginx, "both instances up");
                cluster.kill(1);
                assertFalse(cluster.instance(1).isAlive());
                assertAllReady(nginx, "instance 1 dead");
                try (RawWebSocket ws = RawWebSocket.connect(nginx.port(), 0)) {
                    ws.sendText("{\"type\":\"ping\",\"t\":1}");
                    assertEquals("{\"type\":\"pong\",\"t\":1}", ws.readFrame().text());
                }
                ChildServer restarted = cluster.restart(1);
                assertEquals(ports, cluster.ports(), "same ports after a restart");
                assertTrue(restarted.isAlive());
                assertEquals(200, RawHttp.send(restarted.port(), "GET", "/ready", null, (String) null).status());
            }
        }
    }

    /** Round robin over two upstreams: six requests reach each several times, or fail over from it. */
    private static void assertAllReady(Nginx nginx, String when) {
        for (int i = 0; i < 6; i++) {
            RawHttp.Response ready = RawHttp.send(nginx.port(), "GET", "/ready", null, (String) null);
            assertEquals(200, ready.status(), when + ": " + ready + "\n" + nginx.log());
        }
    }

    private static boolean schemaExists(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test?user=root");
             PreparedStatement query = connection.prepareStatement(
                     "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
            query.setString(1, schema);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
