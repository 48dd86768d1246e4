package io.lifeboat.filesync.store.s3;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What S3 answers and expects beyond the bytes of an object, read and written for {@link S3Http}: ListObjectsV2 and
 * error bodies (XML), an object's description in response headers, user metadata as request headers, ETags and XML
 * text escaping. Pure functions over text and headers.
 */
final class S3Messages {

    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final String META = "x-amz-meta-";

    private S3Messages() {
    }

    /** Reads one ListObjectsV2 answer into {@code into}; returns the continuation token, null on the last page. */
    static String listing(XMLInputFactory xml, String answer, List<Listed> into, String request) {
        try {
            XMLStreamReader r = xml.createXMLStreamReader(new java.io.StringReader(answer));
            String key = null;
            String etag = null;
            long size = 0;
            Instant modified = null;
            boolean truncated = false;
            String token = null;
            while (r.hasNext()) {
                if (r.next() != XMLStreamReader.START_ELEMENT) {
                    if (r.getEventType() == XMLStreamReader.END_ELEMENT && r.getLocalName().equals("Contents")) {
                        into.add(new Listed(key, size, unquoted(etag), modified));
                        key = null;
                        etag = null;
                        size = 0;
                        modified = null;
                    }
                    continue;
                }
                switch (r.getLocalName()) {
                    case "Key" -> key = r.getElementText();
                    case "ETag" -> etag = r.getElementText();
                    case "Size" -> size = Long.parseLong(r.getElementText().trim());
                    case "LastModified" -> modified = Instant.parse(r.getElementText().trim());
                    case "IsTruncated" -> truncated = Boolean.parseBoolean(r.getElementText().trim());
                    case "NextContinuationToken" -> token = r.getElementText();
                    default -> {
                    }
                }
            }
            return truncated && token != null && !token.isEmpty() ? token : null;
        } catch (XMLStreamException | RuntimeException e) {
            throw new S3Failure(request, 200, null, "unreadable listing: " + e.getMessage());
        }
    }

    static S3Failure failure(String request, int status, String body) {
        Matcher code = CODE.matcher(body);
        Matcher message = MESSAGE.matcher(body);
        return new S3Failure(request, status, code.find() ? unescape(code.group(1)) : null,
                message.find() ? unescape(message.group(1)) : null);
    }

    static ObjectInfo info(HttpURLConnection c) {
        Map<String, String> metadata = new HashMap<>();
        String contentType = null;
        for (Map.Entry<String, List<String>> header : c.getHeaderFields().entrySet()) {
            if (header.getKey() == null || header.getValue().isEmpty()) {
                continue;
            }
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(META)) {
                metadata.put(name.substring(META.length()), header.getValue().get(0));
            } else if (name.equals("content-type")) {
                contentType = header.getValue().get(0);
            }
        }
        return new ObjectInfo(Math.max(0, c.getContentLengthLong()), unquoted(c.getHeaderField("ETag")),
                lastModified(c.getHeaderField("Last-Modified")), contentType, metadata);
    }

    private static Instant lastModified(String header) {
        if (header == null) {
            return Instant.EPOCH;
        }
        try {
            return ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    static Map<String, String> metadataHeaders(Map<String, String> metadata) {
        Map<String, String> headers = new HashMap<>();
        metadata.forEach((name, value) -> headers.put(META + name.toLowerCase(Locale.ROOT), value));
        return headers;
    }

    static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "").replace("&quot;", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String unescape(String text) {
        return text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'")
                .replace("&amp;", "&");
    }
}
