package io.lifeboat.heartbeat.verdict;

import java.util.List;

/** Something the verdict logic concluded that the rest of the service acts on: log, event, alert. */
public sealed interface Finding {

    /** Human-readable, the same text in the log, the API and the event. */
    String reason();

    record VerdictChanged(SiteJudgement judgement) implements Finding {
        @Override
        public String reason() {
            return judgement.reason();
        }
    }

    record ObserverStale(ObserverStatus observer, String reason) implements Finding {
    }

    record ObserverBack(ObserverStatus observer, String reason) implements Finding {
    }

    /** A stale observer silent for so long that it is dropped, e.g. a pod that was replaced under a new name. */
    record ObserverForgotten(ObserverStatus observer, String reason) implements Finding {
    }

    record FlappingStarted(String siteId, List<String> targets, String reason) implements Finding {
    }

    record FlappingStopped(String siteId, String reason) implements Finding {
    }
}
