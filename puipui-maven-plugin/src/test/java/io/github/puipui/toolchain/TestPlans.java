package io.github.puipui.toolchain;

import java.util.List;

/** Toolchain plans for tests: one whose identity is known and whose toolchain is {@code toolchain}. */
public final class TestPlans {
    private TestPlans() {
    }

    public static ToolchainChoice.Plan of(String identity, Toolchain toolchain) {
        return new ToolchainChoice.Plan(List.of(identity), () -> new ToolchainChoice.Resolved(identity, toolchain),
                () -> true);
    }
}
