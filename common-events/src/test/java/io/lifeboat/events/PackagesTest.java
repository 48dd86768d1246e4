package io.lifeboat.events;

import io.lifeboat.events.testing.PackageCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The module's packages depend on each other one way only (see {@link PackageCycles}). */
class PackagesTest {

    @Test
    void noPackageDependsOnAnotherThatDependsOnIt() {
        assertThat(PackageCycles.in(Path.of("src/main/java"), "io.lifeboat.events")).isEmpty();
    }

    /** The checker itself finds a circle when there is one. */
    @Test
    void theCheckerFindsACircle(@TempDir Path sources) throws IOException {
        Files.writeString(sources.resolve("A.java"), "package x.a;\nimport x.b.B;\nclass A { B b; }\n");
        Files.writeString(sources.resolve("B.java"), "package x.b;\nclass B { x.a.A a; }\n");
        Files.writeString(sources.resolve("C.java"), "package x.c;\nimport x.a.A;\nclass C { A a; }\n");
        assertThat(PackageCycles.in(sources, "x")).containsExactly("a -> b -> a");
    }
}
