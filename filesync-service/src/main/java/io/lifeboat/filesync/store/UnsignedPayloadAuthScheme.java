package io.lifeboat.filesync.store;

import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 as the SDK does it, but with {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} on plain http too. Over http the
 * SDK insists on signing the body: it hashes every byte sent (SHA-256 per 128 KiB chunk and an HMAC per chunk, in
 * aws-chunked encoding), and the store decodes the chunks again; for filesync that is a third pass over every byte, on
 * the same cores as the stores, on top of Lifeboat's own SHA-256 (which is what proves a copy: it is checked before the
 * last byte is sent, stored on the copy and, up to 2 MiB, the store checks the Content-MD5). Over https the SDK already
 * leaves the body unsigned; this makes http behave the same. Headers, query and path are signed exactly as before.
 *
 * <p>The SDK decides "https or not" from the request's scheme, which is not part of the signature (only the Host
 * header is): the request is presented to the SDK's own signer as https, on the same port, and handed back as it was.
 */
final class UnsignedPayloadAuthScheme implements AwsV4AuthScheme {

    private final AwsV4AuthScheme standard = AwsV4AuthScheme.create();
    private final AwsV4HttpSigner signer = new UnsignedPayloadSigner(standard.signer());

    @Override
    public String schemeId() {
        return standard.schemeId();
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return standard.identityProvider(providers);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    private record UnsignedPayloadSigner(AwsV4HttpSigner standard) implements AwsV4HttpSigner {

        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest asSent = request.request();
            SignedRequest signed = standard.sign(request.copy(b -> b.request(asHttps(asSent))
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                    .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)));
            return signed.copy(b -> b.request(signed.request().toBuilder().protocol(asSent.protocol())
                    .port(asSent.port()).build()));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(
                AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            return standard.signAsync(request); // filesync's clients are synchronous
        }

        /**
         * The same request as https. The Host header the signer writes (and signs) leaves out a port that is the
         * scheme's default, so http's default port becomes https's, and any other port stays as it is.
         */
        private static SdkHttpRequest asHttps(SdkHttpRequest request) {
            if (!"http".equals(request.protocol())) {
                return request;
            }
            int port = request.port() == 80 ? 443 : request.port();
            return request.toBuilder().protocol("https").port(port).build();
        }
    }
}
