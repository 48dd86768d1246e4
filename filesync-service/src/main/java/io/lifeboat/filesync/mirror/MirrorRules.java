package io.lifeboat.filesync.mirror;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;

import io.lifeboat.filesync.mirror.MirrorDecision.Action;
import io.lifeboat.filesync.store.StoredObject;

/**
 * The mirroring decision, pure: from what is known of the source's and the target's version of a key (their size,
 * ETag and Lifeboat's metadata, and the checksums read so far) to what to do, with the reason in words. Every caller
 * decides here: {@link MirrorWorker} before it copies, the arrival consumers for an echo seen in an event, the
 * reconciler to pass over what needs no repair. No I/O: where the metadata cannot tell, the decision asks for a
 * checksum ({@link Action#NEEDS_SOURCE_CHECKSUM}, {@link Action#NEEDS_TARGET_CHECKSUM}) and the caller reads it and
 * asks again.
 */
public final class MirrorRules {

    private static final DateTimeFormatter CONFLICT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** The newer write wins; on a tie the smaller site id, so that both links pick the same winner. */
    private static final Comparator<StoredObject> NEWER_WINS = Comparator.comparing(StoredObject::originTime)
            .thenComparing(StoredObject::originSite, Comparator.reverseOrder());

    private final String conflictPrefix;

    public MirrorRules(String conflictPrefix) {
        this.conflictPrefix = conflictPrefix;
    }

    /**
     * The echo rule: a copy Lifeboat made from another site (its origin, from Lifeboat's metadata, is not the site
     * that holds it) is never mirrored on; the link from its origin carries it.
     *
     * @param originSite the origin Lifeboat's metadata names; null where there is none (a native upload)
     * @return the ECHO decision, or empty when the holder's version is its own
     */
    public static Optional<MirrorDecision> echo(String holderSite, String originSite) {
        if (originSite == null || originSite.equals(holderSite)) {
            return Optional.empty();
        }
        return Optional.of(new MirrorDecision(Action.ECHO, "a copy of " + originSite + "'s file (origin "
                + originSite + "): the link from " + originSite + " carries it, copying it on would echo", null, null));
    }

    public MirrorDecision decide(MirrorFacts facts) {
        if (facts.source().isEmpty()) {
            return new MirrorDecision(Action.SOURCE_GONE, "no longer at " + facts.sourceSite()
                    + " (removed since it arrived); nothing to copy", null, null);
        }
        StoredObject source = facts.source().get();
        Optional<MirrorDecision> echo = echo(facts.sourceSite(), source.originSite());
        if (echo.isPresent()) {
            return echo.get();
        }
        if (facts.target().isEmpty()) {
            return new MirrorDecision(Action.COPY, "copied to " + facts.targetSite() + " and verified",
                    source.sha256().orElse(null), null);
        }
        StoredObject target = facts.target().get();
        if (sameByMetadata(source, target)) {
            return new MirrorDecision(Action.IDENTICAL, facts.targetSite() + " already holds this version (same size "
                    + "and " + (source.sha256().isPresent() && target.sha256().isPresent() ? "SHA-256" : "source ETag")
                    + "); not copied again", source.sha256().or(target::sha256).orElse(null), null);
        }
        if (facts.sourceSha256().isEmpty()) {
            return needs(Action.NEEDS_SOURCE_CHECKSUM, facts.sourceSite());
        }
        String sourceSha = facts.sourceSha256().get();
        if (source.size() == target.size()) {
            if (facts.targetSha256().isEmpty()) {
                return needs(Action.NEEDS_TARGET_CHECKSUM, facts.targetSite());
            }
            if (sourceSha.equals(facts.targetSha256().get())) {
                return new MirrorDecision(Action.IDENTICAL, facts.targetSite()
                        + " already holds the same content (same size and SHA-256); not copied again", sourceSha, null);
            }
        }
        if (target.originSite().equals(source.originSite())) {
            if (target.originTime().isAfter(source.originTime())) {
                return new MirrorDecision(Action.STALE, facts.targetSite() + " holds a newer version from "
                        + source.originSite() + " (written " + target.originTime() + ", this one "
                        + source.originTime() + "); an older version never replaces a newer one", sourceSha, null);
            }
            return new MirrorDecision(Action.REPLACE, "replaced " + facts.targetSite() + "'s older copy (from "
                    + target.originTime() + ") with the version of " + source.originTime() + ", verified", sourceSha,
                    null);
        }
        return conflict(facts, source, sourceSha, target);
    }

    /**
     * Both sites wrote the key independently before either copy landed. One rule, the same from both sides, so the
     * two links agree without talking: the newer write (origin time) wins. The loser is kept at both sites under
     * {@link #conflictKey}, a name both links compute alike, so that no version is ever lost.
     */
    private MirrorDecision conflict(MirrorFacts facts, StoredObject source, String sourceSha, StoredObject target) {
        String rule = "both sites wrote '" + source.key() + "' independently (" + source.originSite() + " at "
                + source.originTime() + ", " + target.originSite() + " at " + target.originTime()
                + "); the newer write wins";
        if (NEWER_WINS.compare(source, target) > 0) {
            String kept = conflictKey(target);
            return new MirrorDecision(Action.CONFLICT_SOURCE_WINS, rule + ": " + source.originSite()
                    + "'s version is now at " + facts.targetSite() + ", " + target.originSite() + "'s is kept as '"
                    + kept + "'", sourceSha, kept);
        }
        String kept = conflictKey(source);
        return new MirrorDecision(Action.CONFLICT_SOURCE_LOSES, rule + ": " + target.originSite()
                + "'s version stays, " + source.originSite() + "'s is kept at " + facts.targetSite() + " as '" + kept
                + "'", sourceSha, kept);
    }

    /** Where a losing version is kept: {@code <conflict prefix><origin site>/<origin time>/<key>}. */
    public String conflictKey(StoredObject loser) {
        return conflictPrefix + loser.originSite() + "/" + CONFLICT_TIME.format(loser.originTime()) + "/"
                + loser.key();
    }

    /** Whether Lifeboat's own metadata proves the target holds the source's content, without reading either. */
    private static boolean sameByMetadata(StoredObject source, StoredObject target) {
        if (source.size() != target.size()) {
            return false;
        }
        if (source.sha256().isPresent() && target.sha256().isPresent()) {
            return source.sha256().get().equals(target.sha256().get());
        }
        return target.originSite().equals(source.originSite())
                && target.sourceEtag().filter(source.etag()::equals).isPresent();
    }

    private static MirrorDecision needs(Action action, String site) {
        return new MirrorDecision(action, "Lifeboat's metadata cannot tell; the content at " + site
                + " is read for its SHA-256", null, null);
    }
}
