package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DomainException;
import jakarta.json.JsonNumber;
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

    /** A string field, or null when absent or null; numbers are accepted as their text. */
    public String string(String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonString text) {
            return text.getString();
        }
        if (value instanceof JsonNumber number) {
            return number.toString();
        }
        throw DomainException.invalid(field, "Field '" + field + "' must be a string");
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
