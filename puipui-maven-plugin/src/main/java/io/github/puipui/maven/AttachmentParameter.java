package io.github.puipui.maven;

import java.io.File;

import io.github.puipui.distpackage.DistroPackager;

/** An {@code <attachment>} of the POM: a file the distro publishes as it is, with its classifier and type. */
public class AttachmentParameter {
    private File file;
    private String classifier;
    private String type;

    DistroPackager.Attachment toAttachment() {
        return new DistroPackager.Attachment(classifier, type, file == null ? null : file.toPath());
    }
}
