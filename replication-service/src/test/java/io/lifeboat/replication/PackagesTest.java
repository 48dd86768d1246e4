package io.lifeboat.replication;

import io.lifeboat.events.testing.PackageCycles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The module's packages depend on each other one way only (see {@link PackageCycles}). */
class PackagesTest {

    @Test
    void noPackageDependsOnAnotherThatDependsOnIt() {
        assertThat(PackageCycles.in(Path.of("src/main/java"), "io.lifeboat.replication")).isEmpty();
    }
}
