package dev.herald.desk;

/**
 * Who calls the desk API: a visitor (only their own conversation), an agent, or a back office (a publisher token, or
 * anyone without a token while authentication is off: it reads everything but is no agent).
 */
record DeskCaller(String user, boolean visitor, boolean agent, boolean backOffice) {
}
