package io.rpideploy.platform.control;

/** How deeply a JSON text nests arrays and objects, counted without parsing it (RFC 8259 §2, §7: strings). */
public final class JsonDepth {

    /** Deeper than any request of ours (two levels); far below what would make a parser work hard. */
    public static final int MAX = 32;

    private JsonDepth() {
    }

    public static int of(byte[] json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++; // the escaped character, whatever it is, cannot end the string
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                max = Math.max(max, ++depth);
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return max;
    }
}
