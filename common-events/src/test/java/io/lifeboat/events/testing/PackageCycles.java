package io.lifeboat.events.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packages of a module's sources that depend on each other in a circle, read from the sources themselves:
 * a package depends on another when one of its files names a class there (an import or a qualified name; a
 * Javadoc {@code {@link}} counts too, as a reader follows it the same way). Dependencies one way make a module
 * readable from the bottom up: {@code state} before {@code decision} before {@code runbook}.
 */
public final class PackageCycles {

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

    private PackageCycles() {
    }

    /** Every circle, as "a -> b -> a", found under {@code sources} among the packages below {@code base}. */
    public static List<String> in(Path sources, String base) {
        Map<String, Set<String>> uses = new TreeMap<>();
        // A class of a package below base, or of base itself (group 1 empty).
        Pattern named = Pattern.compile(Pattern.quote(base) + "((?:\\.[a-z]\\w*)*)\\.[A-Z]");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher p = PACKAGE.matcher(text);
                if (!p.find()) {
                    continue;
                }
                String from = p.group(1);
                Matcher m = named.matcher(text);
                while (m.find()) {
                    String to = base + m.group(1);
                    if (!to.equals(from)) {
                        uses.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> circles = new ArrayList<>();
        Set<Set<String>> seen = new HashSet<>();
        for (String start : uses.keySet()) {
            path(uses, start, start, new ArrayList<>(List.of(start)), circles, seen, base);
        }
        return circles;
    }

    private static String shortName(String pkg, String base) {
        return pkg.equals(base) ? "(root)" : pkg.substring(base.length() + 1);
    }

    private static void path(Map<String, Set<String>> uses, String start, String at, List<String> trail,
            List<String> circles, Set<Set<String>> seen, String base) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                if (seen.add(new HashSet<>(trail))) {
                    circles.add(String.join(" -> ", trail.stream().map(p -> shortName(p, base)).toList()) + " -> "
                            + shortName(start, base));
                }
            } else if (!trail.contains(next) && trail.size() < 8) {
                trail.add(next);
                path(uses, start, next, trail, circles, seen, base);
                trail.remove(trail.size() - 1);
            }
        }
    }
}
