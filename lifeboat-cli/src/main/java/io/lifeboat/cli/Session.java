package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.cli.api.Api;
import io.lifeboat.cli.api.ApiResponse;
import io.lifeboat.cli.api.Unreachable;
import io.lifeboat.cli.args.Invocation;
import io.lifeboat.cli.args.Output;
import io.lifeboat.cli.render.Json;
import io.lifeboat.cli.render.TextRenderer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/** One command against the service: a read (once or {@code --watch}) or an action. Data on out, the rest on err. */
final class Session {

    /** Waits between two refreshes of {@code --watch}; false: stop. Tests stop after a few. */
    interface Pacer {
        boolean await(Duration interval) throws InterruptedException;
    }

    static final Pacer SLEEP = interval -> {
        Thread.sleep(interval.toMillis());
        return true;
    };

    private static final String CLEAR = "\033[H\033[2J";

    private final Api api;
    private final PrintStream out;
    private final PrintStream err;
    private final Pacer pacer;

    Session(Api api, PrintStream out, PrintStream err, Pacer pacer) {
        this.api = api;
        this.out = out;
        this.err = err;
        this.pacer = pacer;
    }

    ExitCode run(Invocation inv) throws InterruptedException {
        return switch (inv.command()) {
            case STATUS -> read(inv, "/state", TextRenderer::status);
            case HISTORY -> read(inv, "/history", TextRenderer::history);
            default -> act(inv, path(inv));
        };
    }

    /** The service's path of an action, as the request sends it: {@code /steps/6/retry}, {@code /pause}. */
    static String path(Invocation inv) {
        return inv.command().takesStep() ? "/steps/" + inv.step() + "/" + inv.command().word()
                : "/" + inv.command().word();
    }

    private ExitCode read(Invocation inv, String path, Function<JsonNode, String> text) throws InterruptedException {
        if (inv.watch() == null) {
            return show(inv, path, text, false);
        }
        do {
            ExitCode code = show(inv, path, text, true);
            if (code == ExitCode.UNAUTHORISED) {
                return code; // asking again will not help
            }
        } while (pacer.await(inv.watch()));
        return ExitCode.OK;
    }

    /** One refresh; while watching, a service that does not answer is reported and asked again. */
    private ExitCode show(Invocation inv, String path, Function<JsonNode, String> text, boolean watching)
            throws InterruptedException {
        ApiResponse response = answer(() -> api.get(path));
        if (response == null || !response.ok()) {
            return failed(response);
        }
        JsonNode body = Json.read(response.body());
        if (inv.output() == Output.JSON) {
            out.println(Json.compact(body));
        } else {
            if (watching) {
                out.print(CLEAR);
                out.println("every " + inv.watch().toSeconds() + " s, " + Instant.now() + " (Ctrl-C stops)");
            }
            out.print(text.apply(body));
        }
        out.flush();
        return ExitCode.OK;
    }

    private ExitCode act(Invocation inv, String path) throws InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("reason", inv.reason());
        if (inv.force()) {
            body.put("force", true);
        }
        ApiResponse response = answer(() -> api.post(path, body.toString()));
        if (response == null || !response.ok()) {
            return failed(response);
        }
        JsonNode result = Json.read(response.body());
        out.print(inv.output() == Output.JSON ? Json.compact(result) + "\n" : TextRenderer.action(result));
        out.flush();
        return ExitCode.OK;
    }

    private interface Call {
        ApiResponse send() throws Unreachable, InterruptedException;
    }

    /** The service's answer, or null when it could not be reached (said on stderr). */
    private ApiResponse answer(Call call) throws InterruptedException {
        try {
            return call.send();
        } catch (Unreachable e) {
            err.println("lifeboat: " + e.getMessage());
            return null;
        }
    }

    /** No answer (null): exit 3; a refusal: its message on stderr, the exit status its HTTP status means. */
    private ExitCode failed(ApiResponse response) {
        if (response == null) {
            return ExitCode.UNREACHABLE;
        }
        err.println("lifeboat: " + message(response));
        return ExitCode.of(response.status());
    }

    /** "409 refused: nothing awaits approval": the status, what it means, the service's own words. */
    static String message(ApiResponse response) {
        JsonNode body = Json.read(response.body());
        String words = body.isObject() && body.hasNonNull("error") ? body.get("error").asText()
                : response.body() == null ? "" : response.body().strip();
        return response.status() + " " + reasonPhrase(response.status()) + (words.isEmpty() ? "" : ": " + words);
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized (no known token: check --token, LIFEBOAT_API_TOKEN or the config file)";
            case 403 -> "forbidden (acting needs an operator token)";
            case 404 -> "not found (is this failover-service, and as new as this CLI?)";
            case 409 -> "refused";
            case 503 -> "unavailable";
            case 504 -> "timeout";
            default -> "error";
        };
    }
}
