package io.github.puipui.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.puipui.fetch.Transport;

/** Entry files: signed by the pusher's key, used only when a trusted key signed them. */
class EntrySigningTest {
    @TempDir
    Path tmp;

    private static final String KEY = "a".repeat(64);
    private static final String SHA = "b".repeat(64);

    private static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private Path pem(String type, byte[] der, String name) throws Exception {
        return Files.writeString(tmp.resolve(name), "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n");
    }

    private HttpStore cache(List<java.security.PublicKey> trusted, java.security.PrivateKey signing) {
        return new HttpStore(new HttpStore.Config("test", URI.create("http://127.0.0.1:1/cache"), null, null, true,
                new EntrySigning(trusted, signing), false), new Transport(null), 1L << 30);
    }

    @Test
    void anEntrySignedByATrustedKeyIsTakenAndAnyOtherRefused() throws Exception {
        KeyPair ours = ed25519();
        KeyPair theirs = ed25519();
        // the keys as openssl writes them: PKCS#8 and X.509 PEM files
        java.security.PrivateKey signing = EntrySigning.readPrivateKey(pem("PRIVATE KEY", ours.getPrivate().getEncoded(),
                "signing.pem"));
        java.security.PublicKey trusted = EntrySigning.readPublicKey(pem("PUBLIC KEY", ours.getPublic().getEncoded(),
                "trusted.pem"));
        String signed = cache(List.of(), signing).entryText(KEY, SHA, 1234);
        assertTrue(signed.contains("signature ed25519 " + EntrySigning.keyId(ours.getPublic()) + " "), signed);

        HttpStore checking = cache(List.of(trusted), null);
        assertEquals("1234", checking.parse(signed, KEY).get("size"));
        assertEquals(SHA, checking.parse(signed, KEY).get("sha256"));

        String tampered = signed.replace("size 1234", "size 1235");
        DamagedEntryException e = assertThrows(DamagedEntryException.class,
                () -> checking.parse(tampered, KEY));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        String unsigned = cache(List.of(), null).entryText(KEY, SHA, 1234);
        e = assertThrows(DamagedEntryException.class, () -> checking.parse(unsigned, KEY));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        String byAnother = cache(List.of(), theirs.getPrivate()).entryText(KEY, SHA, 1234);
        e = assertThrows(DamagedEntryException.class, () -> checking.parse(byAnother, KEY));
        assertTrue(e.getMessage().contains("not a trusted key"), e.getMessage());
        e = assertThrows(DamagedEntryException.class, () -> checking.parse(signed, "c".repeat(64)));
        assertTrue(e.getMessage().contains("not the entry's"), e.getMessage());

        // without trusted keys, signatures are not asked for
        assertEquals("1234", cache(List.of(), null).parse(unsigned, KEY).get("size"));
    }
}
