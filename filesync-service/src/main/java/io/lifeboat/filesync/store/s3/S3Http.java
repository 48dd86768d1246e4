package io.lifeboat.filesync.store.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;

/**
 * The S3 calls filesync makes, and only those, over plain {@code HttpURLConnection} (the JDK's, with its keep-alive
 * connection cache), signed with SigV4 and an unsigned body. It replaced the AWS SDK for Java v2, whose request
 * pipeline (endpoint rules, interceptors, auth scheme resolution, body signing) took about half of the service's CPU
 * per small file and some 2,300 classes of its memory. Thread-safe.
 */
public final class S3Http {

    private static final Pattern UPLOAD_ID = Pattern.compile("<UploadId>([^<]*)</UploadId>");
    private static final int BUFFER = 64 * 1024;

    private final String scheme;
    private final String host;
    private final int port;
    private final String basePath;
    private final String hostHeader;
    private final boolean pathStyle;
    private final SigV4 signer;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final XMLInputFactory xml;
    private final javax.net.ssl.SSLSocketFactory trust;

    public S3Http(URI endpoint, String region, String accessKey, String secretKey, boolean pathStyle,
            int maxConnections, Duration requestTimeout) {
        this(endpoint, region, accessKey, secretKey, Optional.empty(), pathStyle, maxConnections, requestTimeout,
                Optional.empty());
    }

    /**
     * @param sessionToken the session token of temporary credentials (sent and signed as x-amz-security-token)
     * @param caBundle     PEM CA bundle the store's HTTPS certificate must chain to; the JVM's trust store without
     */
    public S3Http(URI endpoint, String region, String accessKey, String secretKey, Optional<String> sessionToken,
            boolean pathStyle, int maxConnections, Duration requestTimeout, Optional<java.nio.file.Path> caBundle) {
        // The JDK keeps this many idle connections per store for reuse (default 5: fewer than copies in parallel).
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(maxConnections));
        }
        this.scheme = endpoint.getScheme();
        this.host = endpoint.getHost();
        this.port = endpoint.getPort();
        String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int defaultPort = "https".equals(scheme) ? 443 : 80;
        this.hostHeader = host + (port == -1 || port == defaultPort ? "" : ":" + port);
        this.pathStyle = pathStyle;
        this.signer = new SigV4(accessKey, secretKey, region, sessionToken.orElse(null));
        this.trust = caBundle.map(TrustBundle::socketFactory).orElse(null);
        this.connectTimeoutMs = 2000;
        this.readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        this.xml = XMLInputFactory.newFactory();
        xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    /** A request to send: what it is about and its headers ({@code signed} must include every x-amz-* header). */
    private record Request(String method, String bucket, String key, Map<String, String> query,
            Map<String, String> signed, Map<String, String> unsigned) {

        String describe() {
            return method + " " + bucket + (key == null ? "" : "/" + key);
        }
    }

    public Optional<ObjectInfo> head(String bucket, String key) {
        HttpURLConnection c = send(new Request("HEAD", bucket, key, Map.of(), Map.of(), Map.of()), null, 0);
        try {
            int status = status(c);
            if (status == 404) {
                return Optional.empty();
            }
            failUnlessOk(c, status, "HEAD " + bucket + "/" + key);
            return Optional.of(S3Messages.info(c));
        } finally {
            drain(c);
        }
    }

    /** The object's content and description; empty when there is none. {@code ifMatch}: only that version. */
    public Optional<ObjectStream> get(String bucket, String key, String ifMatch) {
        Map<String, String> conditions = ifMatch == null ? Map.of() : Map.of("If-Match", S3Messages.quoted(ifMatch));
        Request request = new Request("GET", bucket, key, Map.of(), Map.of(), conditions);
        HttpURLConnection c = send(request, null, 0);
        int status = status(c);
        if (status == 404) {
            drain(c);
            return Optional.empty();
        }
        failUnlessOk(c, status, request.describe());
        try {
            return Optional.of(new ObjectStream(S3Messages.info(c), c.getInputStream(), c));
        } catch (IOException e) {
            c.disconnect();
            throw new UncheckedIOException(request.describe() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Uploads exactly {@code length} bytes of {@code body} in one request, only if {@code condition} still holds at
     * the key ({@link S3Failure#targetChanged} if not); returns the ETag the store answers.
     *
     * @param contentMd5 base64 MD5 of the body for the store to check, or null
     */
    public String put(String bucket, String key, Map<String, String> metadata, String contentType, String contentMd5,
            long length, InputStream body, WriteCondition condition) {
        Map<String, String> signed = S3Messages.metadataHeaders(metadata);
        condition.addTo(signed);
        if (contentMd5 != null) {
            signed.put("Content-MD5", contentMd5);
        }
        // Content-Type is sent but not signed: S3Proxy's Jetty rewrites some of them before checking the signature.
        Request request = new Request("PUT", bucket, key, Map.of(), signed, Map.of("Content-Type", contentType));
        HttpURLConnection c = send(request, body, length);
        try {
            failUnlessOk(c, status(c), request.describe());
            return S3Messages.unquoted(c.getHeaderField("ETag"));
        } finally {
            drain(c);
        }
    }

    /** With the condition the completion repeats: AWS S3 checks it at the completion, some stores at the creation. */
    public String createMultipartUpload(String bucket, String key, Map<String, String> metadata, String contentType,
            WriteCondition condition) {
        Map<String, String> signed = S3Messages.metadataHeaders(metadata);
        condition.addTo(signed);
        Request request = new Request("POST", bucket, key, Map.of("uploads", ""), signed,
                Map.of("Content-Type", contentType));
        String answer = call(request, null);
        Matcher id = UPLOAD_ID.matcher(answer);
        if (!id.find()) {
            throw new S3Failure(request.describe(), 200, null, "no UploadId in the answer");
        }
        return S3Messages.unescape(id.group(1));
    }

    /** Uploads one part of exactly {@code length} bytes; returns its ETag. */
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, long length,
            InputStream body) {
        Request request = new Request("PUT", bucket, key,
                Map.of("partNumber", Integer.toString(partNumber), "uploadId", uploadId), new HashMap<>(),
                Map.of("Content-Type", "application/octet-stream"));
        HttpURLConnection c = send(request, body, length);
        try {
            failUnlessOk(c, status(c), request.describe() + " part " + partNumber);
            return S3Messages.unquoted(c.getHeaderField("ETag"));
        } finally {
            drain(c);
        }
    }

    /** Completes a multipart upload from its parts' ETags, in part order (part 1 first). */
    public void completeMultipartUpload(String bucket, String key, String uploadId, List<String> partEtags,
            WriteCondition condition) {
        StringBuilder xmlBody = new StringBuilder("<CompleteMultipartUpload>");
        for (int i = 0; i < partEtags.size(); i++) {
            xmlBody.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>\"")
                    .append(S3Messages.escape(partEtags.get(i))).append("\"</ETag></Part>");
        }
        xmlBody.append("</CompleteMultipartUpload>");
        Map<String, String> signed = new HashMap<>();
        condition.addTo(signed);
        Request request = new Request("POST", bucket, key, Map.of("uploadId", uploadId), signed,
                Map.of("Content-Type", "application/xml"));
        // A failure can come as "200 OK" with an <Error> body (the store answers before it has finished).
        String answer = call(request, xmlBody.toString().getBytes(StandardCharsets.UTF_8));
        if (answer.contains("<Error>")) {
            throw S3Messages.failure(request.describe(), 200, answer);
        }
    }

    /**
     * Server-side copy of an object within the store (CopyObject, up to 5 GiB) under a new key, with the given metadata
     * in place of the source's ({@code x-amz-metadata-directive: REPLACE}). The new key appears whole or not at all.
     */
    public void copy(String bucket, String fromKey, String toKey, Map<String, String> metadata, String contentType,
            WriteCondition condition) {
        Map<String, String> signed = S3Messages.metadataHeaders(metadata);
        condition.addTo(signed);
        signed.put("x-amz-copy-source", "/" + SigV4.encode(bucket, true) + "/" + SigV4.encode(fromKey, false));
        signed.put("x-amz-metadata-directive", "REPLACE");
        Request request = new Request("PUT", bucket, toKey, Map.of(), signed, Map.of("Content-Type", contentType));
        // Like a multipart completion, a failure can come as "200 OK" with an <Error> body.
        String answer = call(request, null);
        if (answer.contains("<Error>")) {
            throw S3Messages.failure(request.describe() + " (copy of " + fromKey + ")", 200, answer);
        }
    }

    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        call(new Request("DELETE", bucket, key, Map.of("uploadId", uploadId), new HashMap<>(), Map.of()), null);
    }

    public void delete(String bucket, String key) {
        call(new Request("DELETE", bucket, key, Map.of(), new HashMap<>(), Map.of()), null);
    }

    /** The HTTP status the store answers for the bucket (throws only when it does not answer at all). */
    public int headBucket(String bucket) {
        HttpURLConnection c = send(new Request("HEAD", bucket, null, Map.of(), Map.of(), Map.of()), null, 0);
        try {
            return status(c);
        } finally {
            drain(c);
        }
    }

    /** Every object after {@code startAfter} (all if null), in key order, fetched page by page as iterated. */
    public Iterable<Listed> list(String bucket, String startAfter, int pageSize) {
        return () -> new Iterator<>() {
            private final List<Listed> page = new ArrayList<>();
            private int next;
            private String token;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (next >= page.size() && !last) {
                    fetch();
                }
                return next < page.size();
            }

            @Override
            public Listed next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(next++);
            }

            private void fetch() {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("list-type", "2");
                query.put("max-keys", Integer.toString(pageSize));
                if (token != null) {
                    query.put("continuation-token", token);
                } else if (startAfter != null && !startAfter.isEmpty()) {
                    query.put("start-after", startAfter);
                }
                Request request = new Request("GET", bucket, null, query, Map.of(), Map.of());
                page.clear();
                next = 0;
                token = S3Messages.listing(xml, call(request, null), page, request.describe());
                last = token == null;
            }
        };
    }

    /** Sends a request whose answer is a small body (or none), and returns that body. */
    private String call(Request request, byte[] body) {
        HttpURLConnection c = send(request, body == null ? null : new ByteArrayInputStream(body),
                body == null ? 0 : body.length);
        try {
            failUnlessOk(c, status(c), request.describe());
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            c.disconnect();
            throw new UncheckedIOException(request.describe() + " failed: " + e.getMessage(), e);
        }
    }

    private HttpURLConnection send(Request request, InputStream body, long length) {
        String path = basePath + (pathStyle ? "/" + SigV4.encode(request.bucket(), true) : "")
                + (request.key() == null ? (pathStyle ? "" : "/") : "/" + SigV4.encode(request.key(), false));
        String hostName = pathStyle ? host : request.bucket() + "." + host;
        String signedHost = pathStyle ? hostHeader : request.bucket() + "." + hostHeader;
        StringBuilder query = new StringBuilder();
        request.query().forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(SigV4.encode(k, true))
                .append(v.isEmpty() ? "" : "=" + SigV4.encode(v, true)));
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) new URL(scheme, hostName, port, path + query).openConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(request.describe() + " failed: " + e.getMessage(), e);
        }
        if (trust != null && c instanceof javax.net.ssl.HttpsURLConnection https) {
            https.setSSLSocketFactory(trust);
        }
        try {
            c.setRequestMethod(request.method());
            c.setConnectTimeout(connectTimeoutMs);
            c.setReadTimeout(readTimeoutMs);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            request.unsigned().forEach(c::setRequestProperty);
            request.signed().forEach(c::setRequestProperty);
            signer.sign(request.method(), signedHost, path, request.query(), request.signed(), Instant.now())
                    .forEach(c::setRequestProperty);
            if (body != null || request.method().equals("POST") || request.method().equals("PUT")) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(length);
                try (OutputStream out = c.getOutputStream()) {
                    if (body != null) {
                        copy(body, out, length);
                    }
                }
            }
            return c;
        } catch (IOException e) {
            c.disconnect();
            throw new UncheckedIOException(request.describe() + " failed: " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream body, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, length))];
        long left = length;
        while (left > 0) {
            int n = body.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the body ended " + left + " bytes short of its announced length");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static int status(HttpURLConnection c) {
        try {
            return c.getResponseCode();
        } catch (IOException e) {
            c.disconnect();
            throw new UncheckedIOException(c.getRequestMethod() + " " + c.getURL().getPath() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static void failUnlessOk(HttpURLConnection c, int status, String request) {
        if (status >= 200 && status < 300) {
            return;
        }
        String body = "";
        try (InputStream error = c.getErrorStream()) {
            if (error != null) {
                body = new String(error.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            c.disconnect();
        }
        throw S3Messages.failure(request, status, body);
    }

    /** Reads what is left of an answer so that the connection can serve the next request. */
    private static void drain(HttpURLConnection c) {
        try {
            InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in != null) {
                try (in) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        } catch (IOException e) {
            c.disconnect();
        }
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader + basePath;
    }
}
