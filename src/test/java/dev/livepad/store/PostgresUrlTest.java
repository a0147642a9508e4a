package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The DATABASE_URL forms the PostgreSQL store accepts, and what it hands pgjdbc; needs no server. */
class PostgresUrlTest {

    @Test
    void a_full_url_becomes_a_jdbc_url_with_the_credentials_as_properties() {
        String url = "postgresql://alice:s3cret@db.example.com:6543/livepad";
        assertEquals("jdbc:postgresql://db.example.com:6543/livepad", PostgresDocumentStore.jdbcUrl(url));
        Properties properties = PostgresDocumentStore.driverProperties(url);
        assertEquals("alice", properties.getProperty("user"));
        assertEquals("s3cret", properties.getProperty("password"));
        assertFalse(PostgresDocumentStore.jdbcUrl(url).contains("s3cret"));
    }

    @Test
    void the_port_defaults_to_5432_and_the_password_is_optional() {
        String url = "postgresql://root@127.0.0.1/test";
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test", PostgresDocumentStore.jdbcUrl(url));
        assertNull(PostgresDocumentStore.driverProperties(url).getProperty("password"));
    }

    @Test
    void the_postgres_scheme_and_any_case_are_accepted() {
        assertEquals("jdbc:postgresql://h:5432/d", PostgresDocumentStore.jdbcUrl("postgres://u@h/d"));
        assertEquals("jdbc:postgresql://h:5432/d", PostgresDocumentStore.jdbcUrl("PostgreSQL://u@h/d"));
    }

    @Test
    void a_percent_encoded_password_and_user_are_decoded() {
        Properties properties = PostgresDocumentStore.driverProperties(
                "postgresql://us%65r:p%40ss%3Aw%2Frd%25+%C3%A9@h/d");
        assertEquals("user", properties.getProperty("user"));
        assertEquals("p@ss:w/rd%+é", properties.getProperty("password"), "'+' stays a plus, as in any URI");
    }

    @Test
    void the_query_goes_to_pgjdbc_unchanged_and_overrides_the_store_defaults() throws Exception {
        String url = "postgresql://u@h:5433/d?currentSchema=livepad&sslmode=require&socketTimeout=2";
        String jdbc = PostgresDocumentStore.jdbcUrl(url);
        assertEquals("jdbc:postgresql://h:5433/d?currentSchema=livepad&sslmode=require&socketTimeout=2", jdbc);
        Properties parsed = org.postgresql.Driver.parseURL(jdbc, PostgresDocumentStore.driverProperties(url));
        assertEquals("livepad", parsed.getProperty("currentSchema"));
        assertEquals("2", parsed.getProperty("socketTimeout"), "the URL's own setting wins");
        assertEquals("5", parsed.getProperty("connectTimeout"), "the store's default where the URL is silent");
    }

    @Test
    void an_ipv6_host_and_an_encoded_database_name_survive() throws Exception {
        String jdbc = PostgresDocumentStore.jdbcUrl("postgresql://u@[::1]:5432/my%20db%2Bx");
        Properties parsed = org.postgresql.Driver.parseURL(jdbc, new Properties());
        assertEquals("[::1]", parsed.getProperty("PGHOST"));
        assertEquals("my db+x", parsed.getProperty("PGDBNAME"));
    }

    @Test
    void anything_else_is_refused_with_the_expected_form_in_the_message() {
        for (String url : List.of("", "mysql://u@h/d", "jdbc:postgresql://h/d", "postgresql://h/d",
                "postgresql://:pw@h/d", "postgresql://u@h", "postgresql://u@h/", "postgresql://u@h/d/extra",
                "postgresql:u@h/d", "postgresql://u@h/d#top", "postgresql://u@:5432/d", "postgresql://u@h:x/d")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> PostgresDocumentStore.jdbcUrl(url), url);
            assertTrue(refused.getMessage().contains("postgresql://USER[:PASSWORD]@HOST[:PORT]/DB"),
                    refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> PostgresDocumentStore.open("redis://h:6379"));
    }

    @Test
    void a_refused_url_never_shows_its_password() {
        for (String url : List.of("postgresql://u:hunter2@h", "postgresql://u:hunter2@h/d/e",
                "postgresql://u:hunt@er2@h/d", "postgresql://u:hunter2 x@h/d", "postgresql://u:hunter2%zz@h/d",
                "mysql://u:hunter2@h/d", "u:hunter2@h/d", "postgresql://u:hunter2@h/d#x",
                "postgresql://u@h/d/e?password=hunter2")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> PostgresDocumentStore.open(url), url);
            assertFalse(refused.getMessage().contains("hunter2"), refused.getMessage());
            assertFalse(refused.getMessage().contains("er2"), refused.getMessage());
        }
    }

    @Test
    void the_store_describes_itself_without_the_password() {
        assertEquals("u@h:5432/d", PostgresUrl.parse("postgresql://u:hunter2@h/d?sslpassword=x").toString());
    }
}
