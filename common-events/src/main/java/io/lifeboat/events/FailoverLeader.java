package io.lifeboat.events;

import java.time.Instant;

/**
 * Which failover-service instance leads a DR arrangement and where its API is: written by each new leader, in a
 * transaction after it fenced the older ones, on the compacted state topic under the key {@code <stateId>/leader}.
 * The other instances forward operators' actions there.
 *
 * @param apiUrl the base URL at which the other instances reach the leader's API ({@code http://10.1.2.3:8080})
 */
public record FailoverLeader(String stateId, String leader, String apiUrl, Instant since) implements EventPayload {

    @Override
    public String subject() {
        return stateId + "/leader";
    }
}
