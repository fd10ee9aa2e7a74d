package io.rpideploy.ops.backup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Run in a child JVM: has a database open as a running server has, until its input closes (a bound of 60 s). */
public final class HoldOpen {

    private HoldOpen() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.executeQuery("SELECT COUNT(*) FROM venue").close();
            System.out.println("open");
            System.out.flush();
            long until = System.nanoTime() + 60_000_000_000L;
            while (System.in.available() >= 0 && System.in.read() >= 0 && System.nanoTime() < until) {
                // wait for the parent to close our input
            }
        }
    }
}
