package io.lifeboat.filesync.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A copy whose content is not what was hashed is refused before its last byte leaves (pure logic). */
class VerifyingInputStreamTest {

    private final byte[] content = new byte[200_000];

    VerifyingInputStreamTest() {
        new Random(3).nextBytes(content);
    }

    @Test
    void passesContentWithTheExpectedChecksumsAndComputesThem() throws IOException {
        String sha256 = readAll(new VerifyingInputStream(new ByteArrayInputStream(content), content.length, null));
        String crc = readAll(new VerifyingInputStream(new ByteArrayInputStream(content), content.length, null,
                VerifyingInputStream.crc32cFingerprint()));

        assertThat(sha256).hasSize(64);
        assertThat(readAll(new VerifyingInputStream(new ByteArrayInputStream(content), content.length, sha256)))
                .isEqualTo(sha256);
        assertThat(readAll(new VerifyingInputStream(new ByteArrayInputStream(content), content.length, crc,
                VerifyingInputStream.crc32cFingerprint()))).isEqualTo(crc);
    }

    @Test
    void refusesDamagedContentBeforeItsLastByteIsHandedOver() throws IOException {
        String crc = readAll(new VerifyingInputStream(new ByteArrayInputStream(content), content.length, null,
                VerifyingInputStream.crc32cFingerprint()));
        byte[] damaged = content.clone();
        damaged[123_456] ^= 1;
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(damaged), damaged.length, crc,
                VerifyingInputStream.crc32cFingerprint());

        byte[] buffer = new byte[damaged.length];
        int handedOver = 0;
        try {
            for (int n; (n = in.read(buffer, handedOver, buffer.length - handedOver)) > 0; ) {
                handedOver += n;
            }
        } catch (IOException refused) {
            assertThat(refused).hasMessageContaining("CRC32C");
        }
        assertThat(handedOver).as("bytes handed over").isLessThan(damaged.length);
        assertThatThrownBy(() -> new VerifyingInputStream(new ByteArrayInputStream(content), content.length + 1, null)
                .readAllBytes()).hasMessageContaining("ended after");
    }

    private static String readAll(VerifyingInputStream in) throws IOException {
        in.readAllBytes();
        return in.hex();
    }
}
