package io.rpideploy.installer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsTheConfigAnswer() {
        Map<String, Object> m = Json.parseObject("{\"hostname\":\"kxp2-coro-001\",\"image_size\":1234567890123,"
                + "\"image_uncompressed_checksum\":null,\"ok\":true,\"list\":[1,2.5e3,\"a\\u00e9\\n\"]}");
        assertEquals("kxp2-coro-001", m.get("hostname"));
        assertEquals(new BigDecimal("1234567890123"), m.get("image_size"));
        assertNull(m.get("image_uncompressed_checksum"));
        assertEquals(true, m.get("ok"));
        assertEquals(List.of(new BigDecimal("1"), new BigDecimal("2.5e3"), "a\u00e9\n"), m.get("list"));
    }

    @Test
    void rejectsWhatIsNotStrictJson() {
        for (String bad : new String[] {"{\"a\":1,}", "{\"a\":01}", "{\"a\":1} x", "{'a':1}", "{\"a\":1,\"a\":2}",
                "{\"a\":\"\\x\"}", "{\"a\":tru}", "[", "{\"a\":\"line\nbreak\"}", "[".repeat(40) + "]".repeat(40)}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void writesEscapedCompactJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001");
        m.put("n", 42L);
        m.put("d", 1.5);
        m.put("z", null);
        String json = Json.write(m);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":42,\"d\":1.5,\"z\":null}", json);
        assertEquals(m.get("s"), Json.parseObject(json).get("s"));
    }
}
