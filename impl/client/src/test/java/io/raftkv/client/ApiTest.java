package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The wire helpers both ends share: keys survive percent-encoding byte for byte (including bytes
 * that are not UTF-8), values survive JSON as text or base64, endpoints parse or say what is wrong.
 */
class ApiTest {
    @Test
    void keysRoundTripThroughThePathForAnyBytes() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 1000; trial++) {
            byte[] key = new byte[random.nextInt(1, 40)];
            random.nextBytes(key);
            String encoded = Api.encodeKey(key);
            assertTrue(encoded.chars().allMatch(c -> c < 128 && c != '/' && c != '?'), encoded);
            assertArrayEquals(key, Api.decodePath(encoded).orElseThrow());
        }
        assertEquals("a%2Fb%20c", Api.encodeKey("a/b c"));
        assertArrayEquals("a/b c+".getBytes(StandardCharsets.UTF_8), Api.decodePath("a/b%20c+").orElseThrow());
        assertTrue(Api.decodePath("bad%2").isEmpty());
        assertTrue(Api.decodePath("bad%zz").isEmpty());
    }

    @Test
    void valuesTravelAsTextOrBase64() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode text = json.createObjectNode();
        Api.putBytes(text, Api.VALUE, "héllo".getBytes(StandardCharsets.UTF_8));
        assertEquals("héllo", text.get(Api.VALUE).asText());
        ObjectNode binary = json.createObjectNode();
        byte[] bytes = {(byte) 0xff, 0, (byte) 0xc3};
        Api.putBytes(binary, Api.VALUE, bytes);
        assertTrue(binary.has(Api.VALUE_BASE64));
        assertArrayEquals(bytes, Api.readBytes(binary, Api.VALUE).orElseThrow());
        ObjectNode both = json.createObjectNode().put(Api.VALUE, "a").put(Api.VALUE_BASE64, "YQ==");
        assertThrows(IllegalArgumentException.class, () -> Api.readBytes(both, Api.VALUE));
        assertThrows(IllegalArgumentException.class, () -> Api.readBytes(json.createObjectNode().put(Api.VALUE, 3),
                Api.VALUE));
    }

    @Test
    void endpointsParse() {
        assertEquals(new Endpoint("127.0.0.2", 8001), Endpoint.parse("127.0.0.2:8001"));
        assertEquals(new Endpoint("127.0.0.2", 8001), Endpoint.parse("http://127.0.0.2:8001"));
        assertEquals(2, Endpoint.parseList("a:1, b:2").size());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("nohost"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("h:99999"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parseList(" , "));
    }
}
