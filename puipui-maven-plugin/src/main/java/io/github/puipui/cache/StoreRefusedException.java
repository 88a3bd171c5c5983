package io.github.puipui.cache;

import java.io.IOException;

/**
 * A store that answered, but not with an entry or a miss (a refused login, a redirect, a server error). Its message
 * says what the store did, as a phrase that follows the store's name: "refused the credentials … (HTTP 401 …)".
 */
final class StoreRefusedException extends IOException {
    StoreRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
