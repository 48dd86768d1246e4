package io.lifeboat.loopback;

import java.security.SecureRandom;
import java.util.Base64;

/** Fresh credentials for each server, so no test or sandbox ever depends on a well-known password. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Secrets() {
    }

    /** Letters and digits only, so the value needs no quoting in SQL, URLs, properties or shell files. */
    static String alphanumeric(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }

    static String upperAlphanumeric(int length) {
        return alphanumeric(length * 3).toUpperCase().substring(0, length);
    }

    static String base64(int bytes) {
        byte[] key = new byte[bytes];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
