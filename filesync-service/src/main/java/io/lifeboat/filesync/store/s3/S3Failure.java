package io.lifeboat.filesync.store.s3;

/** A store's refusal (an HTTP status of 300 or more), with its S3 error code and message where it gave them. */
public final class S3Failure extends RuntimeException {

    private final int status;
    private final String code;

    public S3Failure(String request, int status, String code, String message) {
        super(request + " failed: HTTP " + status + (code == null ? "" : " " + code)
                + (message == null || message.isBlank() ? "" : ": " + message));
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The S3 error code ({@code NoSuchKey}, {@code PreconditionFailed}, …), or null. */
    public String code() {
        return code;
    }

    /**
     * Whether a conditional write was refused because the key changed since the writer looked ({@link WriteCondition}):
     * 412 {@code PreconditionFailed}, also as an error inside a 200 answer, or AWS's 409
     * {@code ConditionalRequestConflict} for two conditional writes of one key at once.
     */
    public boolean targetChanged() {
        return status == 412 || "PreconditionFailed".equals(code) || "ConditionalRequestConflict".equals(code);
    }
}
