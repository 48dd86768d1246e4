package io.lifeboat.replication.apply;

import io.lifeboat.replication.copy.CopyProgress;

import java.util.List;
import java.util.function.Consumer;

/** Copies tables from the source at a new snapshot, for the applier (the link knows the source's tables). */
@FunctionalInterface
public interface CopyRunner {
    void copy(List<String> tables, Consumer<CopyProgress> progress) throws Exception;
}
