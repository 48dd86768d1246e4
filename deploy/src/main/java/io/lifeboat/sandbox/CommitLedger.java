package io.lifeboat.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The demo writer's own record of what it committed, independent of both databases and of Lifeboat: a test
 * compares a site with it, never one site with the other (which cannot tell a row lost at both).
 *
 * <p>One entry per row, kept in memory and appended to a file as one line: {@code <at> <site> <id> <status>}, e.g.
 * {@code 2026-12-03T13:20:01.123Z home 4711 COMMITTED}. {@code at} is when COMMIT returned, so the commit itself
 * happened no later. {@code IN_DOUBT}: COMMIT was sent but no answer came back (the server died, the connection
 * broke): the row may or may not exist, so a check may neither require it nor call it extra.
 */
final class CommitLedger {

    enum Status { COMMITTED, IN_DOUBT }

    /** One row the writer wrote, keyed as the demo table holds it: its site (tags->>'site') and its id. */
    record Entry(Instant at, String site, long id, Status status) {

        String line() {
            return at + " " + site + " " + id + " " + status;
        }

        static Entry parse(String line) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 4) {
                throw new IllegalArgumentException("not a ledger line: " + line);
            }
            return new Entry(Instant.parse(parts[0]), parts[1], Long.parseLong(parts[2]), Status.valueOf(parts[3]));
        }
    }

    private final Path file;
    private final List<Entry> entries = new ArrayList<>();

    CommitLedger(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
            // A sandbox restarted over the same work directory keeps its databases, so the ledger keeps its rows.
            if (Files.exists(this.file)) {
                for (String line : Files.readAllLines(this.file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        entries.add(Entry.parse(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the writer's ledger " + this.file, e);
        }
    }

    Path file() {
        return file;
    }

    /** Records rows at once, in memory and on disk (one write, so a reader never sees half a batch). */
    synchronized void record(Collection<Entry> rows) {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        rows.forEach(row -> text.append(row.line()).append('\n'));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the writer's ledger " + file, e);
        }
        entries.addAll(rows);
    }

    /** The entries of {@code site} (any when null) recorded at or before {@code until} (any when null). */
    synchronized List<Entry> entries(String site, Instant until) {
        return entries.stream().filter(e -> site == null || e.site().equals(site))
                .filter(e -> until == null || !e.at().isAfter(until)).toList();
    }
}
