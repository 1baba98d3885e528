package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.reactorsupervisor.ComponentSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The factories' arguments and the health probe, without a tree. */
class WasmComponentTest {

    private static WasmModule echo;

    @BeforeAll
    static void buildModule() {
        echo = Wat.module("echo").build();
    }

    @Test
    void theFactoriesCheckTheirArguments() {
        assertThatNullPointerException().isThrownBy(() -> WasmComponent.named("c", null)).withMessage("module");
        assertThatNullPointerException().isThrownBy(() -> WasmComponent.named(null, echo)).withMessage("name");
        assertThatIllegalArgumentException().isThrownBy(() -> WasmComponent.named("a/b", echo))
                .withMessage("name must be non-blank and must not contain '/', but was 'a/b'");
        assertThatNullPointerException()
                .isThrownBy(() -> WasmComponent.named("c", echo, null, WasmCodec.utf8()))
                .withMessage("messageCodec");
        assertThatNullPointerException()
                .isThrownBy(() -> WasmComponent.named("c", echo, WasmCodec.utf8(), null))
                .withMessage("replyCodec");
    }

    @Test
    void theBuilderComesWithStateAndHandlerAndNeedsNothingElse() {
        ComponentSpec<String, String> spec =
                WasmComponent.named("greeter", echo, WasmCodec.utf8(), WasmCodec.utf8()).build();

        assertThat(spec.name()).isEqualTo("greeter");
        assertThat(spec.healthCheck()).isNull();
    }

    @Test
    void theHealthProbeAsksTheHealthExportOnceSubscribed() {
        WasmInstance healthy = echo.newInstance();
        WasmInstance sick = echo.newInstance();
        sick.close();

        StepVerifier.create(WasmComponent.healthProbe().apply(healthy)).expectNext(true).verifyComplete();
        StepVerifier.create(WasmComponent.healthProbe().apply(sick))
                .expectErrorMessage("WasmInstance is closed")
                .verify();
        assertThat(WasmComponent.healthProbe()).isSameAs(WasmComponent.healthProbe());
    }

    @Test
    void theHealthProbeAnswersFalseWhenTheGuestSaysItIsUnhealthy() {
        WasmInstance instance = Wat.module("echo").handlerExport("sicken").build().newInstance();
        StepVerifier.create(WasmComponent.healthProbe().apply(instance)).expectNext(true).verifyComplete();

        instance.handle(new byte[0]);

        StepVerifier.create(WasmComponent.healthProbe().apply(instance)).expectNext(false).verifyComplete();
    }
}
