package io.lifeboat.cli.render;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

import static io.lifeboat.cli.render.Json.text;

/** {@code -o text}: the service's JSON as lines for people. Pure: JSON in, text out. */
public final class TextRenderer {

    private TextRenderer() {
    }

    /** {@code GET /state}. */
    public static String status(JsonNode s) {
        Lines out = new Lines();
        out.printf("DR state %s   (leader %s%s)%n", text(s, "stateId"), text(s, "leader"),
                s.path("instanceLeads").asBoolean() ? ", this instance" : "");
        out.row("active site", text(s, "activeSite") + "   (standby " + text(s, "standbySite") + ")");
        out.row("phase", text(s, "phase") + "   epoch " + text(s, "epoch") + "   mode " + text(s, "mode")
                + (s.path("paused").isObject() ? " (paused)" : ""));
        out.row("paused", paused(s.path("paused")));
        out.row("why", text(s, "reason"));
        out.row("now", text(s, "lastReason"));
        if (s.hasNonNull("pending")) {
            JsonNode p = s.get("pending");
            out.row("pending", p.path("siteId").asText() + " DOWN since " + p.path("outageSince").asText() + ": "
                    + p.path("reason").asText());
        }
        run(out, s.path("run"));
        JsonNode verdicts = s.path("verdicts");
        verdicts.fieldNames().forEachRemaining(site -> out.row("site " + site, verdicts.path(site).asText()));
        JsonNode lags = s.path("lags");
        if (lags.isEmpty()) {
            out.row("lag", "no lag reported yet");
        }
        for (JsonNode lag : lags) {
            out.row("lag", String.format(Locale.ROOT, "%-24s %-8s %s → %s  %s  %s pending  %s",
                    lag.path("linkId").asText(), lag.path("kind").asText(), lag.path("sourceSite").asText(),
                    lag.path("targetSite").asText(), millis(lag.path("lagMs").asLong()),
                    lag.path("pendingEvents").asLong(), lag.path("state").asText()) + consistency(lag));
            if (lag.path("progress").isObject()) {
                out.row("", progress(lag.path("progress")));
            }
        }
        lastRun(out, s.path("lastRun"));
        return out.toString();
    }

    /** {@code GET /history}, newest first. */
    public static String history(JsonNode history) {
        Lines out = new Lines();
        if (history.isEmpty()) {
            out.printf("no history yet%n");
        }
        for (JsonNode h : history) {
            out.printf("%s  epoch %-3s %-8s %-28s %s  (%s)%n", h.path("at").asText(), h.path("epoch").asText(),
                    h.path("kind").asText(), h.path("action").asText(), h.path("reason").asText(),
                    h.path("by").asText());
        }
        return out.toString();
    }

    /** An accepted action's answer: {@code {result, phase, epoch, activeSite, runId}}. */
    public static String action(JsonNode result) {
        Lines out = new Lines();
        out.printf("%s%n", text(result, "result"));
        out.printf("phase %s, epoch %s, active %s%s%n", text(result, "phase"), text(result, "epoch"),
                text(result, "activeSite"), result.hasNonNull("runId") ? ", run " + text(result, "runId") : "");
        return out.toString();
    }

    static String paused(JsonNode paused) {
        if (!paused.isObject()) {
            return "no: automatic decisions on";
        }
        return "by " + text(paused, "by") + " since " + text(paused, "since") + ": " + text(paused, "reason")
                + " (no automatic failover or failback; lifeboat resume REASON ends it)";
    }

    private static void run(Lines out, JsonNode run) {
        if (run.isMissingNode() || run.isNull()) {
            out.row("run", "none");
            return;
        }
        int current = run.path("currentStep").asInt();
        JsonNode steps = run.path("steps");
        out.row("run", run.path("runId").asText() + "  " + run.path("kind").asText() + " "
                + run.path("fromSite").asText() + " → " + run.path("toSite").asText() + "  step " + current + "/"
                + steps.size());
        for (JsonNode step : steps) {
            out.printf("    %s %2d %-20s %-9s %s%n", step.path("number").asInt() == current ? "▶" : " ",
                    step.path("number").asInt(), step.path("name").asText(), step.path("status").asText(),
                    step.hasNonNull("reason") ? step.path("reason").asText() : "");
        }
    }

    private static void lastRun(Lines out, JsonNode last) {
        if (last.isMissingNode() || last.isNull()) {
            return;
        }
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
        out.row("last run", text.toString());
    }

    public static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /**
     * Long work under way on a link (a copy of tables, a reconcile), as a bar when its total is known:
     * {@code [#########...........]  24 %  1200000 of 5000000 rows, 240000/s, 15 s left; tables 3/7, 412 MB}.
     */
    static String progress(JsonNode p) {
        long done = p.path("done").asLong();
        String unit = p.path("unit").asText();
        StringBuilder line = new StringBuilder();
        if (p.path("total").isNumber() && p.path("total").asLong() > 0) {
            long total = p.path("total").asLong();
            double share = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(share * BAR);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append(']')
                    .append(String.format(Locale.ROOT, " %3d %%  ", Math.round(share * 100)))
                    .append(done).append(" of ").append(total).append(' ').append(unit);
        } else {
            line.append(done).append(' ').append(unit).append(" so far (total not known yet)");
        }
        line.append(", ").append(Math.round(p.path("perSecond").asDouble())).append("/s");
        if (p.path("secondsLeft").isNumber()) {
            line.append(", ").append(p.path("secondsLeft").asLong()).append(" s left");
        }
        if (p.hasNonNull("detail")) {
            line.append("; ").append(p.path("detail").asText());
        }
        return line.toString();
    }

    private static final int BAR = 20;

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

    /** A text being built, line by line. */
    private static final class Lines {
        private final StringBuilder text = new StringBuilder();

        void printf(String format, Object... args) {
            text.append(String.format(Locale.ROOT, format, args));
        }

        void row(String label, String value) {
            printf("  %-12s %s%n", label, value);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
