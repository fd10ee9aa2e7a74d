package io.rpideploy.hostnames.control;

/**
 * Fired inside the transaction that takes a hostname from its board (release, retire, pin or replace), before the
 * change: a board still imaging under it would otherwise report success under a name another board may take next.
 * An observer refuses by throwing a {@code DomainException}; when the user confirmed the board is gone it ends
 * that board's unfinished run instead.
 *
 * @param hostname  the name
 * @param boardGone the user confirmed the board is gone
 * @param why       what is done, for the record of an ended run ("hostname released by anna")
 * @param confirmable whether the user may confirm the board is gone (release, retire), else it must finish first
 */
public record HostnameLeaving(String hostname, boolean boardGone, String why, boolean confirmable) {
}
