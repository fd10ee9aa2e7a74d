package io.rpideploy.platform.control;

/**
 * Optimistic locking as HTTP and the console see it: an editable entity's {@code @Version} is its entity tag
 * (RFC 9110 section 8.8.3), {@code If-Match} carries the one a client edited (section 13.1.1), and a change made
 * from a stale copy is refused with who changed it meanwhile, never applied over the other change.
 */
public final class Revisions {

    private Revisions() {
    }

    /**
     * The version an {@code If-Match} header asks for; null when there is none or it is {@code *} (any). A header
     * that names no version of ours cannot match: -1.
     */
    public static Long expected(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            return -1L; // a weak tag never matches for If-Match (strong comparison)
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            try {
                return Long.parseLong(tag.substring(1, tag.length() - 1));
            } catch (NumberFormatException notOurs) {
                return -1L;
            }
        }
        return -1L;
    }

    /**
     * Refuses a change made from version {@code expected} of something now at {@code actual}.
     *
     * @param who  who made the last change, for the message ("admin at 2026-12-06 10:02")
     * @param what what it is ("Venue CORO")
     */
    public static void require(long actual, Long expected, String what, String who) {
        if (expected != null && expected != actual) {
            throw new DomainException(DomainException.Kind.PRECONDITION_FAILED, null, what + " was changed by "
                    + who + " meanwhile; reload it and make your change again");
        }
    }
}
