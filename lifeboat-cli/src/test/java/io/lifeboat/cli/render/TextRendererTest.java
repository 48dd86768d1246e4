package io.lifeboat.cli.render;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextRendererTest {

    @Test
    void statusShowsTheStateThePauseTheRunAndEachLink() {
        String text = TextRenderer.status(Json.read("""
                {"stateId":"lifeboat","leader":"f-1","instanceLeads":true,"activeSite":"offsite","standbySite":"home",
                 "phase":"STUCK","epoch":2,"mode":"auto","reason":"stuck","lastReason":"waiting",
                 "paused":{"by":"alice (token:3fa2c1d0)","reason":"patching home","since":"2026-03-14T09:00:00Z"},
                 "run":{"runId":"failover-2","kind":"FAILOVER","fromSite":"home","toSite":"offsite","currentStep":4,
                        "steps":[{"number":3,"name":"drain","status":"COMPLETED","reason":null},
                                 {"number":4,"name":"promote","status":"FAILED","reason":"timeout"}]},
                 "verdicts":{"home":"DOWN since x"},
                 "lags":[{"linkId":"main","kind":"DATABASE","sourceSite":"home","targetSite":"offsite","lagMs":1500,
                          "pendingEvents":3,"state":"STREAMING","consistency":{"state":"COPYING","reason":"1 of 3"}},
                         {"linkId":"files","kind":"FILES","sourceSite":"home","targetSite":"offsite","lagMs":20,
                          "pendingEvents":0,"state":"STREAMING"}],
                 "lastRun":{"runId":"failback-1","outcome":"DONE","writesUnavailableMs":800}}
                """));
        assertThat(text).contains("DR state lifeboat   (leader f-1, this instance)")
                .contains("  phase        STUCK   epoch 2   mode auto (paused)")
                .contains("  paused       by alice (token:3fa2c1d0) since 2026-03-14T09:00:00Z: patching home")
                .contains("failover-2  FAILOVER home → offsite  step 4/2")
                .contains("    ▶  4 promote              FAILED    timeout")
                .containsPattern("  3 drain +COMPLETED +\n")
                .contains("1.5 s  3 pending  STREAMING  COPYING: 1 of 3")
                .containsPattern("files +FILES +home → offsite  20 ms  0 pending  STREAMING\n")
                .contains("  last run     failback-1 DONE, writes unavailable 800 ms");
    }

    @Test
    void longWorkOnALinkShowsAsABar() {
        String text = TextRenderer.status(Json.read("""
                {"phase":"FAILING_BACK","lags":[
                  {"linkId":"main","kind":"DATABASE","sourceSite":"offsite","targetSite":"home","lagMs":0,
                   "pendingEvents":0,"state":"SNAPSHOTTING","progress":{"unit":"rows","done":1200000,"total":5000000,
                   "perSecond":240000.0,"secondsLeft":15,"detail":"tables 3/7, 412 MB"}},
                  {"linkId":"files","kind":"FILES","sourceSite":"offsite","targetSite":"home","lagMs":0,
                   "pendingEvents":0,"state":"STREAMING","progress":{"unit":"objects","done":300,
                   "perSecond":100.0,"detail":"copied 12, conflicts 0, failures 0, listed 400"}}]}
                """));
        assertThat(text).contains("[#####...............]  24 %  1200000 of 5000000 rows, 240000/s, 15 s left;"
                + " tables 3/7, 412 MB")
                .contains("300 objects so far (total not known yet), 100/s; copied 12, conflicts 0, failures 0,"
                        + " listed 400");
    }

    @Test
    void statusSaysWhenAutomaticDecisionsAreOn() {
        String text = TextRenderer.status(Json.read("{\"phase\":\"NORMAL\",\"mode\":\"auto\",\"paused\":null,\"lags\":[]}"));
        assertThat(text).contains("  paused       no: automatic decisions on").contains("mode auto\n")
                .contains("  run          none").contains("no lag reported yet");
    }

    @Test
    void historyAndActions() {
        assertThat(TextRenderer.history(Json.read("[]"))).isEqualTo("no history yet\n");
        assertThat(TextRenderer.history(Json.read("[{\"at\":\"t\",\"epoch\":3,\"kind\":\"OPERATOR\",\"action\":\"pause\","
                + "\"reason\":\"patching → paused\",\"by\":\"alice\"}]")))
                .startsWith("t  epoch 3   OPERATOR pause").endsWith("patching → paused  (alice)\n");
        assertThat(TextRenderer.action(Json.read("{\"result\":\"paused\",\"phase\":\"NORMAL\",\"epoch\":3,"
                + "\"activeSite\":\"home\",\"runId\":null}"))).isEqualTo("paused\nphase NORMAL, epoch 3, active home\n");
    }

    @Test
    void jsonThatIsNotJsonIsShownAsItIs() {
        assertThat(Json.read("<html>").asText()).isEqualTo("<html>");
        assertThat(Json.compact(Json.read("{ \"a\" : [1, 2] }"))).isEqualTo("{\"a\":[1,2]}");
        assertThat(TextRenderer.millis(999)).isEqualTo("999 ms");
    }
}
