package io.reactorsupervisor.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every builder argument is checked when given, and every bad module is refused by build(). */
class WasmModuleBuilderTest {

    private static HostFunction log() {
        return new HostFunction("env", "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
                (instance, args) -> null);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        WasmModule module = Wat.module("echo").build();

        assertThat(module.handlerExport()).isEqualTo("handle");
        assertThat(module.memoryLimitPages()).isEqualTo(32);
        assertThat(module.timeBudget()).isEqualTo(Duration.ofSeconds(1));
        assertThat(module.isCompiled()).isTrue();
        assertThat(module.grantedHostFunctions()).isEmpty();
        assertThat(module).hasToString(
                "WasmModule[" + Wat.wasm("echo").length + " bytes, handler=handle, maxMemoryPages=2, timeBudget=1s,"
                        + " compiled, granted=[]]");
    }

    @Test
    void nullArgumentsAreRefusedNamingTheParameter() {
        WasmModule.Builder b = WasmModule.builder();

        assertThatNullPointerException().isThrownBy(() -> b.bytes(null)).withMessage("bytes");
        assertThatNullPointerException().isThrownBy(() -> b.path(null)).withMessage("path");
        assertThatNullPointerException().isThrownBy(() -> b.resource(null)).withMessage("resource");
        assertThatNullPointerException().isThrownBy(() -> b.handlerExport(null)).withMessage("handlerExport");
        assertThatNullPointerException().isThrownBy(() -> b.timeBudget(null)).withMessage("timeBudget");
        assertThatNullPointerException().isThrownBy(() -> b.grant(null)).withMessage("hostFunction");
    }

    @Test
    void memoryLimitPagesOutsideOneTo65536IsRefused() {
        WasmModule.Builder b = WasmModule.builder();

        assertThatIllegalArgumentException().isThrownBy(() -> b.memoryLimitPages(0))
                .withMessage("memoryLimitPages must be between 1 and 65536, but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> b.memoryLimitPages(65537))
                .withMessage("memoryLimitPages must be between 1 and 65536, but was 65537");
        assertThatIllegalArgumentException().isThrownBy(() -> b.memoryLimitPages(-1))
                .withMessage("memoryLimitPages must be between 1 and 65536, but was -1");
        b.memoryLimitPages(1).memoryLimitPages(65536);
    }

    @Test
    void timeBudgetMustBePositiveAndAtMostADay() {
        WasmModule.Builder b = WasmModule.builder();

        assertThatIllegalArgumentException().isThrownBy(() -> b.timeBudget(Duration.ZERO))
                .withMessage("timeBudget must be positive and at most PT24H, but was PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> b.timeBudget(Duration.ofMillis(-1)))
                .withMessage("timeBudget must be positive and at most PT24H, but was PT-0.001S");
        assertThatIllegalArgumentException().isThrownBy(() -> b.timeBudget(Duration.ofHours(25)))
                .withMessage("timeBudget must be positive and at most PT24H, but was PT25H");
        b.timeBudget(Duration.ofNanos(1)).timeBudget(Duration.ofDays(1));
    }

    @Test
    void emptyHandlerExportAndBlankResourceAreRefused() {
        WasmModule.Builder b = WasmModule.builder();

        assertThatIllegalArgumentException().isThrownBy(() -> b.handlerExport(""))
                .withMessage("handlerExport must not be empty");
        assertThatIllegalArgumentException().isThrownBy(() -> b.resource(" "))
                .withMessage("resource must not be blank, but was ' '");
    }

    @Test
    void grantingTheSameHostFunctionTwiceIsRefused() {
        WasmModule.Builder b = WasmModule.builder().grant(log());

        assertThatIllegalArgumentException().isThrownBy(() -> b.grant(log()))
                .withMessage("host function env.log is already granted");
    }

    @Test
    void buildNeedsExactlyOneSource() {
        assertThatIllegalStateException().isThrownBy(() -> WasmModule.builder().build())
                .withMessage("no module source: set one of bytes, path or resource");
        assertThatIllegalStateException()
                .isThrownBy(() -> WasmModule.builder().bytes(Wat.wasm("echo")).resource("wasm/echo.wasm").build())
                .withMessage("more than one module source: set only one of bytes, path or resource");
    }

    @Test
    void theBuilderCopiesTheBytesItIsGiven() {
        byte[] bytes = Wat.wasm("echo");
        WasmModule.Builder b = WasmModule.builder().bytes(bytes);
        bytes[0] = 'X';

        assertThat(b.build().newInstance().handle(new byte[] {7})).containsExactly(7);
    }

    @Test
    void aModuleCanBeReadFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("echo.wasm");
        Files.write(file, Wat.wasm("echo"));

        WasmModule module = WasmModule.builder().path(file).build();

        assertThat(module.newInstance().handle(new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(module.toString()).startsWith("WasmModule[" + file + ", ");
    }

    @Test
    void aMissingFileIsAnIoError(@TempDir Path dir) {
        Path file = dir.resolve("nothing.wasm");

        assertThatThrownBy(() -> WasmModule.builder().path(file).build())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read WebAssembly module " + file);
    }

    @Test
    void aMissingResourceIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WasmModule.builder().resource("/wasm/nothing.wasm").build())
                .withMessage("class path resource 'wasm/nothing.wasm' not found");
    }

    @Test
    void bytesThatAreNotWebAssemblyAreRefused() {
        byte[] text = "hello, world".getBytes(StandardCharsets.UTF_8);

        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(text).build())
                .withMessage("not a WebAssembly module: it starts with 68 65 6c 6c, not the magic 00 61 73 6d (\\0asm)");
        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(new byte[0]).build())
                .withMessage("not a WebAssembly module: 0 bytes, shorter than the 8-byte header");
    }

    @Test
    void aTruncatedModuleIsRefused() {
        byte[] echo = Wat.wasm("echo");
        byte[] truncated = java.util.Arrays.copyOf(echo, echo.length / 2);

        assertThatIllegalArgumentException().isThrownBy(() -> WasmModule.builder().bytes(truncated).build())
                .withMessageStartingWith("not a WebAssembly module: ")
                .withCauseInstanceOf(com.dylibso.chicory.wasm.MalformedException.class);
    }

    @Test
    void aModuleThatDoesNotExportItsMemoryIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("missing-memory").build())
                .withMessage("module does not export 'memory' (required: its linear memory)");
    }

    @Test
    void aModuleWhoseMemoryExportIsAFunctionIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("memory-is-a-function").build())
                .withMessage("export 'memory' must be a memory, but is a function");
    }

    @Test
    void aModuleThatImportsItsMemoryIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("imports-memory").build())
                .withMessage("module imports a memory env.memory which is not granted;"
                        + " only host functions can be granted");
    }

    @Test
    void aModuleWithoutAllocIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("missing-alloc").build())
                .withMessage("module does not export 'alloc' (required: a function (i32) -> i32)");
    }

    @Test
    void aModuleWithoutTheHandlerIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("missing-handle").build())
                .withMessage("module does not export 'handle' (required: a function (i32, i32) -> i64)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Wat.module("echo").handlerExport("nothing").build())
                .withMessage("module does not export 'nothing' (required: a function (i32, i32) -> i64)");
    }

    @Test
    void aHandlerOfTheWrongTypeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("handle-wrong-signature").build())
                .withMessage("export 'handle' must have type (i32, i32) -> i64, but has type (i32) -> i32");
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("handle-is-a-global").build())
                .withMessage("export 'handle' must be a function, but is a global");
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("echo").handlerExport("health").build())
                .withMessage("export 'health' must have type (i32, i32) -> i64, but has type () -> i32");
    }

    @Test
    void anAllocOfTheWrongTypeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("alloc-wrong-signature").build())
                .withMessage("export 'alloc' must have type (i32) -> i32, but has type (i64) -> i32");
    }

    @Test
    void optionalExportsOfTheWrongTypeAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Wat.module("optional-exports-wrong-signature").build())
                .withMessage("export 'init' must have type () -> (), but has type () -> i32");
    }

    @Test
    void anImportThatIsNotGrantedIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("imports-foo").grant(log()).build())
                .withMessage("module imports env.foo which is not granted; granted: [env.log]");
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("imports-foo").build())
                .withMessage("module imports env.foo which is not granted; granted: []");
    }

    @Test
    void aGrantedHostFunctionOfTheWrongTypeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("log-wrong-type").grant(log()).build())
                .withMessage("module imports env.log with type (i32) -> (),"
                        + " but the granted host function has type (i32, i32) -> ()");
    }

    @Test
    void grantsThatTheModuleDoesNotUseAreAllowed() {
        WasmModule module = Wat.module("echo").grant(log()).build();

        assertThat(module.grantedHostFunctions()).containsExactly("env.log");
    }

    @Test
    void aModuleNeedingMoreInitialMemoryThanTheCapIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Wat.module("three-initial-pages").memoryLimitPages(2).build())
                .withMessage("module declares 3 initial memory pages, more than memoryLimitPages 2");
        assertThat(Wat.module("three-initial-pages").memoryLimitPages(3).build().maxMemoryPages()).isEqualTo(3);
    }

    @Test
    void aBuilderCanBuildSeveralIndependentModules() {
        WasmModule.Builder b = Wat.module("echo");
        WasmModule first = b.build();
        WasmModule second = b.handlerExport("count").interpreter().build();

        assertThat(first.handlerExport()).isEqualTo("handle");
        assertThat(first.isCompiled()).isTrue();
        assertThat(second.handlerExport()).isEqualTo("count");
        assertThat(second.isCompiled()).isFalse();
    }
}
