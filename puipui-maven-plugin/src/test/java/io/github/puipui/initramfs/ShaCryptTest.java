package io.github.puipui.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Expected values from {@code openssl passwd -6 -salt …} (the first is also the specification's own example). */
class ShaCryptTest {
    @Test
    void matchesOpensslPasswd6() {
        assertEquals("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
                ShaCrypt.hash("Hello world!", "saltstring"));
        assertEquals("$6$abcdefghijklmnop$HtkaUhvjhbt5KNoyeHaHXyAnghoDyMgTPegFwlfTiX/IDklBpt8Zv1wOLDpxKjYPgC3LVpYwcaNjhwx8fCBXe.",
                ShaCrypt.hash("passwd", "abcdefghijklmnop"));
        assertEquals("$6$./0123ABCxyz$qoUeZ/W1y/5JB4oCsJUrMTkYAmjbZ4WhRoNBDjn/FBSwLRfQHptAtcX8Bt9e1VnNNj.tlyWNgG7HBYbYyvuXs.",
                ShaCrypt.hash("a much longer password with spaces and üñíçødé that exceeds sixty-four bytes for sure, yes",
                        "./0123ABCxyz"));
    }

    @Test
    void theSaltComesFromTheDistroAndItsTimestampNeverFromThePassword() {
        String salt = ShaCrypt.saltFor("io.example:guest:1.0", 1764028800L);
        assertEquals(salt, ShaCrypt.saltFor("io.example:guest:1.0", 1764028800L), "reproducible");
        assertTrue(salt.matches("[./0-9A-Za-z]{16}"), salt);
        assertNotEquals(salt, ShaCrypt.saltFor("io.example:guest:1.1", 1764028800L), "another version");
        assertNotEquals(salt, ShaCrypt.saltFor("io.example:guest:1.0", 1764028801L), "another timestamp");
        assertTrue(ShaCrypt.hash("passwd", salt).matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}"));
    }
}
