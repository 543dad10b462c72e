package io.lacpd.team.member;

/**
 * What happened to a member since the daemon started: how often its link went down, how often its partner changed,
 * and since when it has been in its present {@link OperStatus} and {@link FailureCode}.
 *
 * @param present        whether the interface exists, as the link monitor last said
 * @param linkFlaps      times its link went down after having been up
 * @param partnerChanges times LACP reported a new partner on it
 * @param sinceMillis    when its present status and code began, in milliseconds since the epoch
 */
public record MemberHistory(boolean present, long linkFlaps, long partnerChanges, long sinceMillis) {
}
