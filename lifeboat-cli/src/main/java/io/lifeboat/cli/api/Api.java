package io.lifeboat.cli.api;

/** failover-service's API as the commands need it; a fake in the unit tests. */
public interface Api {

    ApiResponse get(String path) throws Unreachable, InterruptedException;

    ApiResponse post(String path, String jsonBody) throws Unreachable, InterruptedException;
}
