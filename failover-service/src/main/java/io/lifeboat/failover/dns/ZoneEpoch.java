package io.lifeboat.failover.dns;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The zone's epoch record as read from the primary: the value of each TXT record at the epoch name (none before
 * the first switch). Pure: which switch it admits is decided here, the DNS server enforces it through the update's
 * prerequisite.
 *
 * <p>Why compare-and-swap on what was read rather than a prerequisite on "epoch − 1": an epoch is raised when a
 * runbook starts, and a run aborted before its DNS step leaves a gap (epoch 3 switches after epoch 1), so the
 * previous <em>switch</em> is only known from the zone. A leader that read the record and then paused still cannot
 * overwrite a newer switch: its prerequisite names the value it read, which is gone.
 */
public record ZoneEpoch(List<String> values) {

    public static final ZoneEpoch ABSENT = new ZoneEpoch(List.of());

    private static final Pattern VALUE = Pattern.compile("epoch=(\\d{1,18}) active=([A-Za-z0-9_.-]+)");

    public ZoneEpoch {
        values = List.copyOf(values);
    }

    /** The TXT text a switch at {@code epoch} to {@code site} writes. */
    public static String value(long epoch, String site) {
        return "epoch=" + epoch + " active=" + site;
    }

    public static ZoneEpoch of(long epoch, String site) {
        return new ZoneEpoch(List.of(value(epoch, site)));
    }

    /** The epoch and site recorded, when the record holds exactly one value Lifeboat wrote. */
    public Optional<Mark> mark() {
        if (values.size() != 1) {
            return Optional.empty();
        }
        Matcher m = VALUE.matcher(values.get(0).trim());
        return m.matches() ? Optional.of(new Mark(Long.parseLong(m.group(1)), m.group(2))) : Optional.empty();
    }

    /** Whether a switch at {@code epoch} to {@code site} may replace what the zone holds, and why. */
    public Admission admit(long epoch, String site) {
        if (values.isEmpty()) {
            return new Admission(true, "first switch with an epoch (no epoch record yet)");
        }
        Optional<Mark> mark = mark();
        if (mark.isEmpty()) {
            return new Admission(false, "the epoch record holds " + describe()
                    + ", which Lifeboat did not write: correct or delete it by hand");
        }
        Mark m = mark.get();
        if (m.epoch() < epoch) {
            return new Admission(true, "epoch " + m.epoch() + " (active " + m.site() + ") → " + epoch);
        }
        if (m.epoch() == epoch && m.site().equals(site)) {
            // The same switch again: an attempt whose answer was lost, or a resumed run. Rewriting is harmless.
            return new Admission(true, "epoch " + epoch + " already switched to " + site + ": written again");
        }
        if (m.epoch() == epoch) {
            return new Admission(false, "DNS holds epoch " + epoch + " for " + m.site() + ", not " + site
                    + ": two switches claim one epoch");
        }
        return new Admission(false, "DNS holds epoch " + m.epoch() + " (active " + m.site()
                + "), newer than this switch's epoch " + epoch + ": a newer leader has switched DNS");
    }

    /** For messages: the values as the zone holds them. */
    public String describe() {
        return values.isEmpty() ? "(no epoch record)"
                : String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList());
    }

    /** A value Lifeboat wrote: the epoch of the switch and the site it sent users to. */
    public record Mark(long epoch, String site) {
    }

    /** Whether a switch may go ahead, with the reason in words. */
    public record Admission(boolean allowed, String reason) {
    }
}
