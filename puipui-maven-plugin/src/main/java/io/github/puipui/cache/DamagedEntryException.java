package io.github.puipui.cache;

import java.io.IOException;

/**
 * An entry that cannot be used (corrupt, tampered with, not signed by a trusted key, not matching its manifest),
 * from a store that did answer: a miss for that entry, never a failure of the store.
 */
final class DamagedEntryException extends IOException {
    DamagedEntryException(String message) {
        super(message);
    }
}
