package io.lifeboat.failover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lifeboat status|history|failover|approve|abort|failback|retry|skip}: the operator's command line, a thin
 * client of failover-service's API (plain {@code java.net.http}, no Quarkus). Reads {@code LIFEBOAT_FAILOVER_URL}
 * (default {@code http://localhost:8084}) and {@code LIFEBOAT_API_TOKEN}; sends the login name as the actor.
 *
 * <p>Exit status: 0 done, 1 refused or failed (the service's message is printed), 2 wrong usage.
 */
public final class LifeboatCli {

    static final String USAGE = """
            usage: lifeboat <command> [arguments]
              status                          active site, phase, epoch, lag per link, current step
              history                         the DR history, newest first
              failover [--force] REASON...    move the service to the standby (force: past the lag bound, an inconsistent standby)
              approve REASON...               approve the pending failover decision
              abort REASON...                 drop a pending decision, or stop the runbook in progress
              failback [--force] REASON...    reverse replication, catch up, switch back home with zero loss
              retry STEP REASON...            retry the STUCK step
              skip STEP REASON...             skip the STUCK step (you did it by hand, or it does not matter)
            environment: LIFEBOAT_FAILOVER_URL (default http://localhost:8084), LIFEBOAT_API_TOKEN (required)""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String token;
    private final String actor;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public LifeboatCli(String baseUrl, String token, String actor, PrintStream out) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.actor = actor;
        this.out = out;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String url = env.getOrDefault("LIFEBOAT_FAILOVER_URL", "http://localhost:8084");
        String token = env.get("LIFEBOAT_API_TOKEN");
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        if (token == null || token.isBlank()) {
            System.err.println("lifeboat: set LIFEBOAT_API_TOKEN (a viewer or operator token of failover-service)");
            System.exit(2);
        }
        System.exit(new LifeboatCli(url, token, System.getProperty("user.name", "cli"), System.out).run(args));
    }

    /** Runs one command; returns the exit status. */
    public int run(String... args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        try {
            switch (args[0]) {
                case "status":
                    return show("/state", this::renderStatus);
                case "history":
                    return show("/history", this::renderHistory);
                case "failover":
                case "failback": {
                    boolean force = rest.remove("--force");
                    return act("/" + args[0], rest, force);
                }
                case "approve":
                case "abort":
                    return act("/" + args[0], rest, false);
                case "retry":
                case "skip": {
                    if (rest.isEmpty() || !rest.get(0).matches("\\d+")) {
                        return usage("lifeboat " + args[0] + " STEP REASON...: STEP is the step number (see lifeboat status)");
                    }
                    String step = rest.remove(0);
                    return act("/steps/" + step + "/" + args[0], rest, false);
                }
                default:
                    return usage("unknown command '" + args[0] + "'");
            }
        } catch (IOException e) {
            out.println("lifeboat: cannot reach failover-service at " + baseUrl + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int usage(String problem) {
        out.println("lifeboat: " + problem);
        out.println(USAGE);
        return 2;
    }

    private interface Renderer {
        void render(JsonNode body);
    }

    private int show(String path, Renderer renderer) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return refused(response);
        }
        renderer.render(JSON.readTree(response.body()));
        return 0;
    }

    private int act(String path, List<String> words, boolean force) throws IOException, InterruptedException {
        if (words.isEmpty()) {
            return usage("a reason is required, e.g. lifeboat " + path.substring(1).replace("steps/", "") + " \"home lost power\"");
        }
        ObjectNode body = JSON.createObjectNode().put("reason", String.join(" ", words));
        if (force) {
            body.put("force", true);
        }
        HttpResponse<String> response = http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            return refused(response);
        }
        JsonNode result = JSON.readTree(response.body());
        out.println(text(result, "result"));
        out.println("phase " + text(result, "phase") + ", epoch " + text(result, "epoch") + ", active "
                + text(result, "activeSite") + (result.hasNonNull("runId") ? ", run " + text(result, "runId") : ""));
        return 0;
    }

    private int refused(HttpResponse<String> response) {
        String message;
        try {
            message = JSON.readTree(response.body()).path("error").asText(response.body());
        } catch (IOException e) {
            message = response.body();
        }
        out.println("lifeboat: " + response.statusCode() + " " + reasonPhrase(response.statusCode()) + ": " + message);
        return 1;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(40))
                .header("Authorization", "Bearer " + token).header("X-Lifeboat-Actor", actor)
                .header("Accept", "application/json");
    }

    // --- rendering ------------------------------------------------------------------------------------------------

    void renderStatus(JsonNode s) {
        out.printf(Locale.ROOT, "DR state %s   (leader %s%s)%n", text(s, "stateId"), text(s, "leader"),
                s.path("instanceLeads").asBoolean() ? ", this instance" : "");
        row("active site", text(s, "activeSite") + "   (standby " + text(s, "standbySite") + ")");
        row("phase", text(s, "phase") + "   epoch " + text(s, "epoch") + "   mode " + text(s, "mode"));
        row("why", text(s, "reason"));
        row("now", text(s, "lastReason"));
        if (s.hasNonNull("pending")) {
            JsonNode p = s.get("pending");
            row("pending", p.path("siteId").asText() + " DOWN since " + p.path("outageSince").asText() + ": "
                    + p.path("reason").asText());
        }
        JsonNode run = s.path("run");
        if (!run.isMissingNode() && !run.isNull()) {
            int current = run.path("currentStep").asInt();
            JsonNode steps = run.path("steps");
            row("run", run.path("runId").asText() + "  " + run.path("kind").asText() + " " + run.path("fromSite").asText()
                    + " → " + run.path("toSite").asText() + "  step " + current + "/" + steps.size());
            for (JsonNode step : steps) {
                String marker = step.path("number").asInt() == current ? "▶" : " ";
                out.printf(Locale.ROOT, "    %s %2d %-20s %-9s %s%n", marker, step.path("number").asInt(),
                        step.path("name").asText(), step.path("status").asText(),
                        step.path("reason").asText("").replace("null", ""));
            }
        } else {
            row("run", "none");
        }
        JsonNode verdicts = s.path("verdicts");
        verdicts.fieldNames().forEachRemaining(site -> row("site " + site, verdicts.path(site).asText()));
        JsonNode lags = s.path("lags");
        if (lags.isEmpty()) {
            row("lag", "no lag reported yet");
        }
        for (JsonNode lag : lags) {
            row("lag", String.format(Locale.ROOT, "%-24s %-8s %s → %s  %s  %s pending  %s", lag.path("linkId").asText(),
                    lag.path("kind").asText(), lag.path("sourceSite").asText(), lag.path("targetSite").asText(),
                    millis(lag.path("lagMs").asLong()), lag.path("pendingEvents").asLong(), lag.path("state").asText())
                    + consistency(lag));
        }
        JsonNode last = s.path("lastRun");
        if (!last.isMissingNode() && !last.isNull()) {
            StringBuilder text = new StringBuilder(last.path("runId").asText() + " " + last.path("outcome").asText());
            if (last.hasNonNull("recoveryTimeMs")) {
                text.append(", recovery ").append(millis(last.path("recoveryTimeMs").asLong()));
            }
            if (last.hasNonNull("writesUnavailableMs")) {
                text.append(", writes unavailable ").append(millis(last.path("writesUnavailableMs").asLong()));
            }
            if (last.hasNonNull("dataLossWindowMs")) {
                text.append(", data-loss window ").append(millis(last.path("dataLossWindowMs").asLong()));
            }
            row("last run", text.toString());
        }
    }

    void renderHistory(JsonNode history) {
        if (history.isEmpty()) {
            out.println("no history yet");
        }
        for (JsonNode h : history) {
            out.printf(Locale.ROOT, "%s  epoch %-3s %-8s %-28s %s  (%s)%n", h.path("at").asText(),
                    h.path("epoch").asText(), h.path("kind").asText(), h.path("action").asText(),
                    h.path("reason").asText(), h.path("by").asText());
        }
    }

    private void row(String label, String value) {
        out.printf(Locale.ROOT, "  %-12s %s%n", label, value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }

    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized (check LIFEBOAT_API_TOKEN)";
            case 403 -> "forbidden";
            case 409 -> "refused";
            case 503 -> "unavailable";
            default -> "error";
        };
    }

    /** A database link's standby consistency, as failover-service judges it; files links have none. */
    static String consistency(JsonNode lag) {
        if ("FILES".equals(lag.path("kind").asText())) {
            return "";
        }
        JsonNode c = lag.path("consistency");
        if (!c.isObject()) {
            return "  consistency not reported";
        }
        String state = c.path("state").asText();
        return "CONSISTENT".equals(state) ? "  consistent" : "  " + state + ": " + c.path("reason").asText();
    }
}
