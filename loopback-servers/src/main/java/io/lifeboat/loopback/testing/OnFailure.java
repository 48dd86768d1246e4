package io.lifeboat.loopback.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.function.Supplier;

/**
 * Adds to a failed test what its failure alone cannot show (a service's status, the end of its log), so that a
 * failure in CI, where only the test report survives, can be understood from the report. Register it with
 * {@code @RegisterExtension}; what it adds is read only when a test fails.
 */
public final class OnFailure implements TestExecutionExceptionHandler {

    private final Supplier<String> context;

    public OnFailure(Supplier<String> context) {
        this.context = context;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext test, Throwable failure) throws Throwable {
        String seen;
        try {
            seen = context.get();
        } catch (RuntimeException e) {
            seen = "(no context: " + e + ")";
        }
        throw new AssertionError(failure.getMessage() + "\n--- at the failure:\n" + seen, failure);
    }
}
