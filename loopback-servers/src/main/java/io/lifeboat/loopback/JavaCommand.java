package io.lifeboat.loopback;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command line of a child JVM running one of the {@code io.lifeboat.loopback.child} mains on a classpath the build
 * wrote into a resource (absolute paths of jars in the local Maven repository).
 *
 * <p>Child JVMs keep the servers' own dependencies (Kafka's Scala and log4j, S3Proxy's jclouds, Guice and Jetty) out of
 * the services' test classpaths, where they would clash with Quarkus, and let tests kill a server with SIGKILL.
 */
final class JavaCommand {

    static final String TEST_OPTIONS = "loopback.test-jvm-options";

    private JavaCommand() {
    }

    static List<String> of(String classpathResource, List<String> jvmOptions, Path log4jConfig, String mainClass,
                           List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(testOptions());
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=" + log4jConfig);
        command.add("-cp");
        command.add(classpath(classpathResource) + File.pathSeparator + ownLocation());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * The options the build gives every JVM its tests start ({@value #TEST_OPTIONS}, from the Maven property
     * {@code tests.jvm.options}): the tests' servers and services start many short-lived JVMs on a small machine,
     * and the C1 compiler alone ({@code -XX:TieredStopAtLevel=1}) halves the CPU they spend. Empty outside the
     * tests (the sandbox, {@code ./lifeboat bench}): what is measured runs as deployed.
     */
    static List<String> testOptions() {
        String options = System.getProperty(TEST_OPTIONS, "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /** A log4j2 configuration sending everything at {@code level} and above to one file, appending across restarts. */
    static String log4jToFile(Path logFile, String level) {
        return """
                appender.file.type = File
                appender.file.name = FILE
                appender.file.append = true
                appender.file.fileName = %s
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = [%%d] %%p %%m (%%c)%%n
                rootLogger.level = %s
                rootLogger.appenderRef.file.ref = FILE
                """.formatted(logFile, level);
    }

    private static String classpath(String resource) {
        try (InputStream in = JavaCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource io/lifeboat/loopback/" + resource
                        + " is missing: build loopback-servers with Maven (./mvnw -pl loopback-servers install)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> missing = List.of(classpath.split(File.pathSeparator)).stream()
                    .filter(entry -> !Files.exists(Path.of(entry)))
                    .collect(Collectors.toList());
            if (!missing.isEmpty()) {
                throw new IllegalStateException(resource + " names jars that are not in the local Maven repository "
                        + "any more (rebuild loopback-servers): " + missing);
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }

    /** This module's jar (or classes directory), where the child JVM finds its main class. */
    private static String ownLocation() {
        try {
            return Path.of(JavaCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the loopback-servers classes", e);
        }
    }
}
