package io.lifeboat.failover.rest;

/**
 * The body of every operator action.
 *
 * @param reason required: why, in the operator's words (goes into the audit trail)
 * @param force  failover/failback only: go ahead past the data-loss bound or a site that is not UP
 */
public record ActionRequest(String reason, Boolean force) {

    public boolean forced() {
        return Boolean.TRUE.equals(force);
    }
}
