package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

class DnsServerTest {

    @TempDir
    static Path workDir;
    static DnsServer dns;

    @BeforeAll
    static void start() {
        dns = new DnsServer(workDir, ZoneSpec.defaults().withARecord("api", "127.0.0.2").withTtl(5)).start();
    }

    @AfterAll
    static void stop() {
        dns.close();
        assertThat(dns.isRunning()).isFalse();
        assertThat(KafkaBrokerTest.accepts(dns.port())).isFalse();
    }

    @Test
    void servesTheInitialZone() {
        assertThat(dns.addresses("portal.app.lifeboat.test")).containsExactly("127.0.0.1");
        assertThat(dns.addresses("api")).containsExactly("127.0.0.2");
        assertThat(dns.records("portal", Type.A).get(0).getTTL()).isEqualTo(5);
        assertThat(dns.addresses("nothing-here")).isEmpty();
    }

    @Test
    void aSignedUpdateChangesTheAnswer() throws Exception {
        Message response = send(replace("switch", "10.0.0.7"), dns.tsig());

        assertThat(Rcode.string(response.getRcode())).isEqualTo("NOERROR");
        assertThat(dns.addresses("switch.app.lifeboat.test")).containsExactly("10.0.0.7");
    }

    @Test
    void anUpdateWithAWrongKeyIsRefused() throws Exception {
        String wrongSecret = Base64.getEncoder().encodeToString(new byte[32]);
        TSIG wrongKey = new TSIG(TSIG.HMAC_SHA256, dns.tsigKeyName(), wrongSecret);

        Message response = send(replace("portal", "10.6.6.6"), wrongKey);

        assertThat(Rcode.string(response.getRcode())).isEqualTo("NOTAUTH");
        assertThat(response.getTSIG().getError()).isEqualTo(Rcode.BADSIG);
        assertThat(dns.addresses("portal")).containsExactly("127.0.0.1");
    }

    @Test
    void keepsUpdatesAcrossStopKillAndStartOnTheSamePort() throws Exception {
        assertThat(send(replace("restart", "10.0.0.8"), dns.tsig()).getRcode()).isEqualTo(Rcode.NOERROR);
        int port = dns.port();

        dns.stop();
        assertThat(dns.isRunning()).isFalse();
        dns.start();
        assertThat(dns.port()).isEqualTo(port);
        assertThat(dns.addresses("restart")).containsExactly("10.0.0.8");

        assertThat(send(replace("restart", "10.0.0.9"), dns.tsig()).getRcode()).isEqualTo(Rcode.NOERROR);
        dns.kill();
        dns.start();
        assertThat(dns.addresses("restart")).containsExactly("10.0.0.9");
    }

    private static Update replace(String relativeName, String address) throws Exception {
        Update update = new Update(Name.fromString(dns.zone() + "."));
        update.replace(Name.fromString(relativeName + "." + dns.zone() + "."), Type.A, 30, address);
        return update;
    }

    private static Message send(Update update, TSIG key) throws Exception {
        SimpleResolver resolver = dns.resolver();
        resolver.setTSIGKey(key);
        return resolver.send(update);
    }
}
