package dev.herald.schedule;

/** What a cancel did: cancelled it, or found it already delivered, cancelled or failed, or found nothing. */
public enum CancelOutcome {
    CANCELLED, TOO_LATE, NOT_FOUND
}
