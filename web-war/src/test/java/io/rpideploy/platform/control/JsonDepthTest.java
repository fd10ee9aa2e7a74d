package io.rpideploy.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonDepthTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}|1",
            "{\"a\":[1,{\"b\":2}]}|3",
            "\"[[[[\"|0",
            "{\"a\":\"\\\"[[[\"}|1",
            "[[[[]]]]|4",
            "42|0"})
    void countsNestingOutsideStrings(String json, int depth) {
        assertEquals(depth, JsonDepth.of(json.getBytes(StandardCharsets.UTF_8)));
    }
}
