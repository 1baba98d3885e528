package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory cap: a guest sees {@code memory.grow} fail (-1) at the smaller of its declared
 * maximum and the cap, rather than trapping.
 */
class WasmMemoryLimitTest {

    private static byte[] le(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    /** Asks the grow.wat guest to grow by some pages; returns what memory.grow returned. */
    private static int grow(WasmInstance instance, int pages) {
        return ByteBuffer.wrap(instance.handle(le(pages))).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static WasmModule build(WasmModule.Builder b, boolean compiled) {
        return (compiled ? b.compiled() : b.interpreter()).build();
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void growingPastTheCapReturnsMinusOneToTheGuest(boolean compiled) {
        WasmModule module = build(Wat.module("grow-unbounded").memoryLimitPages(4), compiled);
        WasmInstance instance = module.newInstance();

        assertThat(module.maxMemoryPages()).isEqualTo(4);
        assertThat(grow(instance, 3)).isEqualTo(1);
        assertThat(grow(instance, 1)).isEqualTo(-1);
        assertThat(grow(instance, 0)).isEqualTo(4);
        assertThat(instance.isPoisoned()).isFalse();
    }

    @ParameterizedTest(name = "compiled={0}")
    @ValueSource(booleans = {true, false})
    void aDeclaredMaximumLargerThanTheCapIsCapped(boolean compiled) {
        WasmModule module = build(Wat.module("grow").memoryLimitPages(2), compiled);
        WasmInstance instance = module.newInstance();

        assertThat(module.maxMemoryPages()).isEqualTo(2);
        assertThat(grow(instance, 2)).isEqualTo(-1);
        assertThat(grow(instance, 1)).isEqualTo(1);
        assertThat(grow(instance, 1)).isEqualTo(-1);
    }

    @Test
    void aDeclaredMaximumSmallerThanTheCapIsKept() {
        WasmModule module = Wat.module("grow").memoryLimitPages(65536).build();
        WasmInstance instance = module.newInstance();

        assertThat(module.maxMemoryPages()).isEqualTo(100);
        assertThat(grow(instance, 100)).isEqualTo(-1);
        assertThat(grow(instance, 99)).isEqualTo(1);
        assertThat(grow(instance, 1)).isEqualTo(-1);
    }

    @Test
    void aModuleWithoutADeclaredMaximumGetsTheDefaultCap() {
        WasmModule module = Wat.module("grow-unbounded").build();
        WasmInstance instance = module.newInstance();

        assertThat(module.maxMemoryPages()).isEqualTo(WasmModule.DEFAULT_MEMORY_LIMIT_PAGES);
        assertThat(grow(instance, WasmModule.DEFAULT_MEMORY_LIMIT_PAGES)).isEqualTo(-1);
        assertThat(grow(instance, WasmModule.DEFAULT_MEMORY_LIMIT_PAGES - 1)).isEqualTo(1);
    }

    @Test
    void oneInstanceGrowingLeavesAnotherInstancesMemoryAlone() {
        WasmModule module = Wat.module("grow-unbounded").memoryLimitPages(4).build();
        WasmModule sizer = Wat.module("grow-unbounded").handlerExport("size").memoryLimitPages(4).build();
        WasmInstance grower = module.newInstance();
        WasmInstance other = module.newInstance();

        assertThat(grow(grower, 3)).isEqualTo(1);

        assertThat(grow(other, 0)).isEqualTo(1);
        assertThat(grow(other, 3)).isEqualTo(1);
        assertThat(ByteBuffer.wrap(sizer.newInstance().handle(new byte[0])).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(1);
    }
}
