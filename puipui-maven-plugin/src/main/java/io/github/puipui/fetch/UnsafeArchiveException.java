package io.github.puipui.fetch;

import java.io.IOException;

/** An archive entry would land outside the extraction directory (absolute path, "..", or an escaping link). */
public class UnsafeArchiveException extends IOException {
    public UnsafeArchiveException(String archive, String entry, String why) {
        super("refusing to extract " + archive + ": entry '" + entry + "' " + why);
    }
}
