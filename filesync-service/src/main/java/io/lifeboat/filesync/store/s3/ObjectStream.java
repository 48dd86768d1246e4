package io.lifeboat.filesync.store.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;

/**
 * The body of a GET with what the store said about it. {@link #close()} after reading it through gives the
 * connection back for the next request; {@link #abort()} drops the connection rather than read the rest.
 */
public final class ObjectStream extends FilterInputStream {

    private final ObjectInfo info;
    private final HttpURLConnection connection;

    ObjectStream(ObjectInfo info, InputStream body, HttpURLConnection connection) {
        super(body);
        this.info = info;
        this.connection = connection;
    }

    public ObjectInfo info() {
        return info;
    }

    public void abort() {
        connection.disconnect();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
