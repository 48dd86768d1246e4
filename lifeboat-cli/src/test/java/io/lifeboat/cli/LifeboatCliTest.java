package io.lifeboat.cli;

import io.lifeboat.cli.api.Api;
import io.lifeboat.cli.api.ApiResponse;
import io.lifeboat.cli.api.Unreachable;
import io.lifeboat.cli.config.Connection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands against a fake API: what goes to stdout and stderr, and the exit status. */
class LifeboatCliTest {

    static final String TOKEN = "operator-token-0123456789";
    static final String STATE = "{\"stateId\":\"lifeboat\",\"activeSite\":\"home\",\"phase\":\"NORMAL\",\"epoch\":3}";

    /** Answers in order (the last one again when they run out), and records the requests. */
    static final class FakeApi implements Api {
        final Deque<Object> answers = new ArrayDeque<>();
        final List<String> requests = new ArrayList<>();
        Connection connection;

        FakeApi answer(Object... next) {
            answers.addAll(List.of(next));
            return this;
        }

        @Override
        public ApiResponse get(String path) throws Unreachable {
            requests.add("GET " + path);
            return next();
        }

        @Override
        public ApiResponse post(String path, String jsonBody) throws Unreachable {
            requests.add("POST " + path + " " + jsonBody);
            return next();
        }

        private ApiResponse next() throws Unreachable {
            Object answer = answers.size() > 1 ? answers.poll() : answers.peek();
            if (answer instanceof Unreachable u) {
                throw u;
            }
            return (ApiResponse) answer;
        }
    }

    final FakeApi api = new FakeApi();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    int refreshes;

    int run(String... args) {
        LifeboatCli cli = new LifeboatCli(Map.of("LIFEBOAT_API_TOKEN", TOKEN), null, "alice",
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                c -> {
                    api.connection = c;
                    return api;
                });
        return cli.pacedBy(interval -> ++refreshes < 3).run(args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusAsJsonIsTheServicesBodyOnOneLineAndNothingElse() {
        api.answer(new ApiResponse(200, "{\n  \"stateId\": \"lifeboat\",\n  \"paused\": null\n}"));
        assertThat(run("status", "-o", "json")).isZero();
        assertThat(out()).isEqualTo("{\"stateId\":\"lifeboat\",\"paused\":null}\n");
        assertThat(err()).isEmpty();
        assertThat(api.requests).containsExactly("GET /state");
    }

    @Test
    void anActionSendsTheReasonAndForceAndPrintsTheResult() {
        api.answer(new ApiResponse(202, "{\"result\":\"failover to offsite started\",\"phase\":\"FAILING_OVER\","
                + "\"epoch\":2,\"activeSite\":\"home\",\"runId\":\"failover-2\"}"));
        assertThat(run("failover", "--force", "home", "is", "gone")).isZero();
        assertThat(api.requests).containsExactly("POST /failover {\"reason\":\"home is gone\",\"force\":true}");
        assertThat(out()).isEqualTo("failover to offsite started\nphase FAILING_OVER, epoch 2, active home, run failover-2\n");
        assertThat(run("skip", "5", "-o", "json", "done", "by", "hand")).isZero();
        assertThat(api.requests).last().isEqualTo("POST /steps/5/skip {\"reason\":\"done by hand\"}");
        assertThat(run("pause", "patching", "home")).isZero();
        assertThat(api.requests).last().isEqualTo("POST /pause {\"reason\":\"patching home\"}");
    }

    @Test
    void exitStatusSaysWhatWentWrongAndTheMessageGoesToStderr() {
        api.answer(new ApiResponse(409, "{\"error\":\"nothing awaits approval (phase NORMAL)\"}"));
        assertThat(run("approve", "-o", "json", "go")).isEqualTo(1);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("lifeboat: 409 refused: nothing awaits approval (phase NORMAL)\n");

        api.answers.clear();
        api.answer(new ApiResponse(403, "{\"error\":\"operator role required\"}"));
        assertThat(run("abort", "stop")).isEqualTo(4);
        api.answers.clear();
        api.answer(new ApiResponse(401, ""));
        assertThat(run("status")).isEqualTo(4);
        assertThat(err()).contains("401 unauthorized").doesNotContain(TOKEN);
        api.answers.clear();
        api.answer(new ApiResponse(503, "no leader"));
        assertThat(run("history")).isEqualTo(1);
        assertThat(err()).contains("503 unavailable: no leader");
        api.answers.clear();
        api.answer(new Unreachable("cannot reach failover-service at http://localhost:8084: refused",
                new ConnectException()));
        assertThat(run("status")).isEqualTo(3);
        assertThat(run("retry", "two")).isEqualTo(2);
        assertThat(out()).isEmpty();
    }

    @Test
    void exitCodesFromHttpStatuses() {
        assertThat(ExitCode.of(200)).isEqualTo(ExitCode.OK);
        assertThat(ExitCode.of(202)).isEqualTo(ExitCode.OK);
        assertThat(ExitCode.of(400)).isEqualTo(ExitCode.REFUSED);
        assertThat(ExitCode.of(409)).isEqualTo(ExitCode.REFUSED);
        assertThat(ExitCode.of(500)).isEqualTo(ExitCode.REFUSED);
        assertThat(ExitCode.of(401)).isEqualTo(ExitCode.UNAUTHORISED);
        assertThat(ExitCode.of(403)).isEqualTo(ExitCode.UNAUTHORISED);
        assertThat(ExitCode.values()).extracting(ExitCode::status).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void watchAsJsonPrintsOneDocumentPerRefreshAndKeepsGoingThroughAnOutage() {
        api.answer(new ApiResponse(200, STATE), new Unreachable("cannot reach failover-service", null),
                new ApiResponse(200, STATE));
        assertThat(run("status", "--watch=1", "-o", "json")).isZero();
        assertThat(out().lines()).containsExactly(STATE, STATE);
        assertThat(err()).isEqualTo("lifeboat: cannot reach failover-service\n");
        assertThat(api.requests).hasSize(3);
    }

    @Test
    void watchAsTextRedrawsAndStopsWhenNotAuthorised() {
        api.answer(new ApiResponse(200, "[]"));
        assertThat(run("history", "--watch")).isZero();
        assertThat(out()).contains("\033[H\033[2J").contains("every 2 s").contains("no history yet");
        api.answers.clear();
        api.answer(new ApiResponse(401, ""));
        refreshes = 0;
        assertThat(run("status", "--watch")).isEqualTo(4);
        assertThat(refreshes).isZero();
    }

    @Test
    void theAddressAndTokenReachTheApiAndLocalCommandsNeedNeither() {
        api.answer(new ApiResponse(200, STATE));
        assertThat(run("status", "--url", "http://dr.example:8084")).isZero();
        assertThat(api.connection.url()).isEqualTo("http://dr.example:8084");
        assertThat(api.connection.token()).isEqualTo(TOKEN);

        LifeboatCli noToken = new LifeboatCli(Map.of(), null, "bob", new PrintStream(out, true), new PrintStream(err, true),
                c -> api);
        assertThat(noToken.run("version")).isZero();
        assertThat(out()).contains("lifeboat 0.1.0");
        assertThat(noToken.run("status")).isEqualTo(2);
        assertThat(err()).contains("no token");
        assertThat(noToken.run("help")).isZero();
        assertThat(out()).contains("exit status:").contains("4  not authorised");
    }
}
