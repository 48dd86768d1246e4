package io.lifeboat.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * failover-service's status page as a person sees it: loaded in a real headless Chromium (Debian's {@code chromium},
 * which {@code ./lifeboat test} installs), its scripts run against the live API, and the rendered DOM read back.
 * Flags as this machine needs them: no sandbox (root), no GPU, no background connections (the network is closed),
 * a fresh profile each time.
 */
final class StatusPageBrowser {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern FIELD = Pattern.compile("data-field=\"([a-z-]+)\"[^>]*>([^<]*)<");

    private final Path workDir;

    StatusPageBrowser(Path workDir) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(CHROMIUM + " is missing: install Debian's chromium (./lifeboat test does)");
        }
        this.workDir = workDir;
    }

    /** The page's DOM once its first refresh has had time to run (the viewer token goes in the URL fragment). */
    String dom(String pageUrl, String viewerToken) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=6000", "--dump-dom", pageUrl + "#token=" + viewerToken));
    }

    /** A PNG of the page as rendered, for the README. */
    void screenshot(String pageUrl, String viewerToken, Path png) throws IOException, InterruptedException {
        run(List.of("--virtual-time-budget=6000", "--window-size=1100,1000", "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(), pageUrl + "#token=" + viewerToken));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("Chromium wrote no screenshot to " + png);
        }
    }

    /** The text of the element marked {@code data-field="name"}. */
    static Optional<String> field(String dom, String name) {
        Matcher m = FIELD.matcher(dom);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Optional.of(m.group(2).trim());
            }
        }
        return Optional.empty();
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
        command.addAll(args);
        Path log = workDir.resolve("chromium.log");
        Path out = Files.createTempFile(workDir, "chromium-", ".out");
        Process chromium = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 60 s (see " + log + ")");
        }
        if (chromium.exitValue() != 0) {
            throw new IllegalStateException("Chromium exited with " + chromium.exitValue() + " (see " + log + ")");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
