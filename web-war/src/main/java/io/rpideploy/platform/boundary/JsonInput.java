package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DomainException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Typed reads from a JSON request body, each failure naming its field. */
public final class JsonInput {

    private final JsonObject json;

    private JsonInput(JsonObject json) {
        this.json = json;
    }

    /** The request body, which must be a JSON object (not an array, a string or nothing). */
    public static JsonInput of(JsonValue body) {
        if (!(body instanceof JsonObject json)) {
            throw DomainException.invalid(null, "A JSON object is required as the request body");
        }
        return new JsonInput(json);
    }

    /**
     * A string field, or null when absent or null. A number is refused, not converted: {@code 1e309} must not be
     * stored as {@code 1E+309}. A lone UTF-16 surrogate ({@code "\ud800"}) is not text and is refused too.
     */
    public String string(String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonString text) {
            String string = text.getString();
            if (hasLoneSurrogate(string)) {
                throw DomainException.invalid(field, "Field '" + field + "' holds a broken character (a lone "
                        + "UTF-16 surrogate)");
            }
            return string;
        }
        throw DomainException.invalid(field, "Field '" + field + "' must be a string");
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public Boolean bool(String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (value.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        throw DomainException.invalid(field, "Field '" + field + "' must be true or false");
    }

    public JsonValue raw(String field) {
        return json.get(field);
    }
}
