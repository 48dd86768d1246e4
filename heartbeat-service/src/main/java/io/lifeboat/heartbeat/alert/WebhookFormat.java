package io.lifeboat.heartbeat.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.events.json.EventJson;
import io.lifeboat.heartbeat.config.HeartbeatConfig.ReceiverKind;

import java.util.List;
import java.util.Locale;

/** The JSON each kind of receiver expects. Pure. */
public final class WebhookFormat {

    private WebhookFormat() {
    }

    /** The path to add to the configured URL, the body and its content type. */
    public record Request(String pathSuffix, String body, String contentType) {
        Request(String pathSuffix, String body) {
            this(pathSuffix, body, "application/json");
        }
    }

    public static Request render(ReceiverKind kind, List<AlertNotice> notices) {
        try {
            return switch (kind) {
                case GENERIC -> new Request("", EventJson.mapper().writeValueAsString(generic(notices.get(0))));
                case SLACK -> new Request("", EventJson.mapper().writeValueAsString(slack(notices.get(0))));
                case ALERTMANAGER -> new Request("/api/v2/alerts", EventJson.mapper().writeValueAsString(alertmanager(notices)));
                case CLOUDEVENTS -> new Request("", EventJson.mapper().writeValueAsString(cloudEvent(notices.get(0))),
                        "application/cloudevents+json");
            };
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render an alert", e);
        }
    }

    /** Everything there is, flat: for a script or a chat bridge of one's own. */
    static ObjectNode generic(AlertNotice n) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("status", n.firing() ? "firing" : "resolved");
        o.put("alertId", n.alertId());
        o.put("kind", n.kind());
        o.put("severity", n.severity().name());
        o.put("siteId", n.siteId());
        o.put("reason", n.reason());
        o.put("observer", n.observerId());
        o.put("startsAt", n.startsAt().toString());
        o.put("endsAt", n.endsAt() == null ? null : n.endsAt().toString());
        ObjectNode labels = o.putObject("labels");
        n.labels().forEach(labels::put);
        return o;
    }

    /**
     * CloudEvents 1.0, structured mode: the generic body as {@code data}. The id is the same for the same notice
     * (alert, status, instant), so a sink can drop a notice the relay delivers twice after a restart.
     */
    static ObjectNode cloudEvent(AlertNotice n) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        String status = n.firing() ? "raised" : "resolved";
        o.put("specversion", "1.0");
        o.put("id", n.alertId() + "/" + status + "/" + (n.firing() ? n.startsAt() : n.endsAt()));
        o.put("source", "/lifeboat/alerts");
        o.put("type", "io.lifeboat.alert." + status);
        o.put("subject", n.alertId());
        o.put("time", (n.firing() ? n.startsAt() : n.endsAt()).toString());
        o.put("datacontenttype", "application/json");
        o.set("data", generic(n));
        return o;
    }

    /** Slack incoming webhooks (and Mattermost, Rocket.Chat, Teams bridges) take {"text": ...}. */
    static ObjectNode slack(AlertNotice n) {
        String icon = !n.firing() ? ":white_check_mark:" : switch (n.severity()) {
            case CRITICAL -> ":red_circle:";
            case WARNING -> ":warning:";
            case INFO -> ":information_source:";
        };
        String text = icon + " *" + (n.firing() ? n.severity().name() : "RESOLVED") + "* " + n.kind()
                + (n.siteId() == null ? "" : " on site `" + n.siteId() + "`") + ": " + n.reason()
                + " _(" + n.alertId() + ", observer " + n.observerId() + ")_";
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("text", text);
        return o;
    }

    /**
     * Alertmanager v2 {@code POST /api/v2/alerts}: an array of alerts identified by their labels; {@code endsAt} in
     * the past resolves one. The labels must not change between raising and resolving.
     */
    static ArrayNode alertmanager(List<AlertNotice> notices) {
        ArrayNode array = EventJson.mapper().createArrayNode();
        for (AlertNotice n : notices) {
            ObjectNode alert = array.addObject();
            ObjectNode labels = alert.putObject("labels");
            labels.put("alertname", n.kind());
            labels.put("alert_id", n.alertId());
            labels.put("severity", n.severity().name().toLowerCase(Locale.ROOT));
            labels.put("service", "lifeboat-heartbeat");
            if (n.siteId() != null) {
                labels.put("site", n.siteId());
            }
            n.labels().forEach((k, v) -> {
                String name = k.replaceAll("[^a-zA-Z0-9_]", "_");
                if (!labels.has(name) && !name.equals("transition") && !name.equals("verdict")) {
                    labels.put(name, v);
                }
            });
            ObjectNode annotations = alert.putObject("annotations");
            annotations.put("summary", n.reason());
            annotations.put("observer", n.observerId());
            alert.put("startsAt", n.startsAt().toString());
            if (n.endsAt() != null) {
                alert.put("endsAt", n.endsAt().toString());
            }
        }
        return array;
    }
}
