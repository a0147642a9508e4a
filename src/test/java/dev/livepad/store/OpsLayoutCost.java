package dev.livepad.store;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.sqlite.SQLiteConfig;

/**
 * A manual measurement, not a test (surefire skips it by name): what a layout of the ops table
 * costs the writer, with batches as deterministic as the writer's are not. Each commit appends one
 * op to each of {@code perCommit} distinct rooms (of {@code rooms}), in WAL mode with
 * synchronous=FULL; it prints the thread's CPU per op and, with {@code autocheckpoint} 0, the WAL
 * frames written per op (from the WAL's size). Run with {@code java -cp <test-classes>:<deps>
 * dev.livepad.store.OpsLayoutCost rowid|clustered|shortkey rooms perCommit commits autocheckpoint [pageSize]}.
 * "clustered" is ops WITHOUT ROWID; "shortkey" binds 1-2 character room keys instead of
 * 24-character ids (what an integer key would save).
 */
public final class OpsLayoutCost {

    private OpsLayoutCost() {
    }

    public static void main(String[] a) throws Exception {
        String layout = a[0];                 // rowid | clustered | shortkey
        int rooms = Integer.parseInt(a[1]), perCommit = Integer.parseInt(a[2]), commits = Integer.parseInt(a[3]);
        int autockpt = Integer.parseInt(a[4]); // 0 = off (frames counted from the WAL size)
        int pageSize = a.length > 5 ? Integer.parseInt(a[5]) : 4096;
        Path file = Files.createTempDirectory("livepad-layout").resolve("x.db");
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
                Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = " + pageSize);
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA wal_autocheckpoint = " + autockpt);
            s.execute(
                    "CREATE TABLE rooms (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)");
            s.execute(
                    "CREATE TABLE ops (room_id TEXT NOT NULL REFERENCES rooms (id), rev INTEGER NOT NULL, op_json TEXT"
                        + " NOT NULL, op_id TEXT, client_id TEXT, time INTEGER NOT NULL, PRIMARY KEY (room_id, rev))"
                            + (layout.equals("clustered") ? " WITHOUT ROWID" : ""));
            boolean shortKey = layout.equals("shortkey"); // "1".."50": the TEXT column stores the bound number as text
            Random random = new Random(1);
            String[] ids = new String[rooms];
            long[] head = new long[rooms];
            for (int r = 0; r < rooms; r++) {
                byte[] bytes = new byte[12]; // as RoomRegistry makes them
                random.nextBytes(bytes);
                ids[r] = HexFormat.of().formatHex(bytes);
                s.execute("INSERT INTO rooms VALUES ('" + ids[r] + "', 'room" + r + "', 0)");
            }
            PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO ops (room_id, rev, op_json, op_id, client_id, time) VALUES (?, ?, ?, ?, ?, ?)");
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            int warm = commits / 4;
            long cpu0 = 0, wall0 = 0, wal0 = 0;
            List<Integer> order = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                order.add(r);
            }
            for (int k = 0; k < commits + warm; k++) {
                if (k == warm) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    cpu0 = mx.getCurrentThreadCpuTime();
                    wall0 = System.nanoTime();
                    wal0 = walSize(file);
                }
                Collections.shuffle(order, random);
                s.execute("BEGIN IMMEDIATE");
                for (int i = 0; i < perCommit; i++) {
                    int r = order.get(i);
                    if (shortKey) {
                        ins.setLong(1, r + 1);
                    } else {
                        ins.setString(1, ids[r]);
                    }
                    ins.setLong(2, ++head[r]);
                    ins.setString(
                            3,
                            "[" + random.nextInt(900) + ",\"" + (char) ('a' + random.nextInt(26)) + "\","
                                    + random.nextInt(900) + "]");
                    ins.setString(4, "k3x9.m.e" + r + "." + head[r] + "." + System.nanoTime());
                    ins.setString(5, "c" + (r * 4 + i % 4));
                    ins.setLong(6, System.currentTimeMillis());
                    ins.addBatch();
                }
                ins.executeBatch();
                ins.clearBatch();
                s.execute("COMMIT");
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0, wall = System.nanoTime() - wall0;
            long ops = (long) commits * perCommit;
            long frames = (walSize(file) - Math.max(wal0, 32)) / (pageSize + 24);
            System.out.printf(
                    "%s rooms=%d perCommit=%d autockpt=%d page=%d: cpu %.1f us/op, wall %.1f us/op, WAL frames/op %s%n",
                    layout,
                    rooms,
                    perCommit,
                    autockpt,
                    pageSize,
                    cpu / 1e3 / ops,
                    wall / 1e3 / ops,
                    autockpt == 0 ? String.format("%.3f", (double) frames / ops) : "n/a");
        }
    }

    private static long walSize(Path db) throws Exception {
        Path wal = Path.of(db + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }
}
