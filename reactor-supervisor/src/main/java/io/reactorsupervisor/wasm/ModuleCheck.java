package io.reactorsupervisor.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.CompType;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Checks a parsed module against the ABI at build time, because Chicory itself checks neither
 * the kinds nor the argument counts of the exports we call. Every failure is an
 * {@link IllegalArgumentException} that names the import or export at fault.
 */
final class ModuleCheck {

    static final String MEMORY = "memory";
    static final String ALLOC = "alloc";
    static final String INIT = "init";
    static final String HEALTH = "health";

    static final FunctionType ALLOC_TYPE = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
    static final FunctionType HANDLER_TYPE =
            FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));
    static final FunctionType INIT_TYPE = FunctionType.of(List.of(), List.of());
    static final FunctionType HEALTH_TYPE = FunctionType.of(List.of(), List.of(ValType.I32));

    private final WasmModule module;

    ModuleCheck(WasmModule module) {
        this.module = module;
    }

    /** Every import must be a granted host function of the same type. */
    void imports(Map<String, HostFunction> granted) {
        var section = module.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            Import imp = section.getImport(i);
            String key = imp.module() + "." + imp.name();
            if (imp.importType() != ExternalType.FUNCTION) {
                throw new IllegalArgumentException("module imports " + kindName(imp.importType()) + " " + key
                        + " which is not granted; only host functions can be granted");
            }
            HostFunction function = granted.get(key);
            if (function == null && imp.module().equals(WasiImports.MODULE) && granted.keySet().stream()
                    .noneMatch(k -> k.startsWith(WasiImports.MODULE + "."))) {
                throw new IllegalArgumentException("module imports " + key
                        + ", a WASI function, but WASI is not granted: grant it with WasmModule.Builder.wasi(Wasi)");
            }
            if (function == null) {
                throw new IllegalArgumentException(
                        "module imports " + key + " which is not granted; granted: " + granted.keySet());
            }
            FunctionType wanted = module.typeSection().getType(((FunctionImport) imp).typeIndex());
            if (!sameType(wanted, function.functionType())) {
                throw new IllegalArgumentException("module imports " + key + " with type " + format(wanted)
                        + ", but the granted host function has type " + format(function.functionType()));
            }
        }
    }

    /** The names ({@code module.name}) of the functions imported from this import module. */
    Set<String> importedFrom(String importModule) {
        var section = module.importSection();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < section.importCount(); i++) {
            Import imp = section.getImport(i);
            if (imp.module().equals(importModule) && imp.importType() == ExternalType.FUNCTION) {
                names.add(imp.module() + "." + imp.name());
            }
        }
        return Set.copyOf(names);
    }

    /**
     * The module must define exactly one memory and export it as {@code memory}.
     *
     * @return the declared limits of that memory
     */
    MemoryLimits memory() {
        Export export = find(MEMORY);
        if (export == null) {
            throw new IllegalArgumentException("module does not export '" + MEMORY + "' (required: its linear memory)");
        }
        requireKind(export, ExternalType.MEMORY);
        int defined = module.memorySection().map(s -> s.memoryCount()).orElse(0);
        if (defined != 1) {
            throw new IllegalArgumentException(
                    "module defines " + defined + " memories, but exactly one is supported");
        }
        return module.memorySection().orElseThrow().getMemory(0).limits();
    }

    /**
     * The module must not use the GC proposal's struct or array types: their objects live on the
     * host's heap, where neither the memory cap nor the table cap reaches, and Chicory offers no
     * way to count them. Without such a type no GC allocation validates, so the type section is
     * enough to look at.
     */
    void noGcTypes() {
        var types = module.typeSection();
        for (int i = 0; i < types.subTypeCount(); i++) {
            CompType comp = types.getSubType(i).compType();
            String kind = comp.structType() != null ? "a struct type"
                    : comp.arrayType() != null ? "an array type" : null;
            if (kind != null) {
                throw new IllegalArgumentException("module uses the GC proposal (type " + i + " is " + kind
                        + "): its objects live on the host's heap, out of reach of the memory cap,"
                        + " so such modules are not supported");
            }
        }
    }

    /**
     * Every active data segment at a constant offset (extended-const arithmetic and immutable
     * globals included) must lie inside the initial memory, where instantiation writes it;
     * otherwise every instantiation would trap.
     */
    void dataFits(MemoryLimits memory) {
        long initialBytes = (long) memory.initialPages() * Memory.PAGE_SIZE;
        DataSegment[] segments = module.dataSection().dataSegments();
        for (int i = 0; i < segments.length; i++) {
            if (!(segments[i] instanceof ActiveDataSegment)) {
                continue;
            }
            Integer offset = constantI32(((ActiveDataSegment) segments[i]).offsetInstructions(), 0);
            if (offset == null) {
                continue; // not a constant we can evaluate: instantiation checks it
            }
            long start = Integer.toUnsignedLong(offset);
            long end = start + segments[i].data().length;
            if (end > initialBytes) {
                throw new IllegalArgumentException("data segment " + i + " (" + segments[i].data().length
                        + " bytes at offset " + start + ") ends at byte " + end + ", past the module's initial memory of "
                        + memory.initialPages() + " pages (" + initialBytes + " bytes)");
            }
        }
    }

    /**
     * The value of a constant i32 expression: {@code i32.const}, the extended-const
     * {@code i32.add}, {@code i32.sub} and {@code i32.mul}, and {@code global.get} of an immutable
     * global defined by the module (imported globals are refused before this runs).
     *
     * @return the value, or null if the expression uses anything else
     */
    private @Nullable Integer constantI32(List<Instruction> expression, int depth) {
        if (depth > 16) {
            return null;
        }
        int[] stack = new int[expression.size()];
        int size = 0;
        for (Instruction instruction : expression) {
            OpCode op = instruction.opcode();
            if (op == OpCode.END) {
                break;
            } else if (op == OpCode.I32_CONST) {
                stack[size++] = (int) instruction.operand(0);
            } else if (op == OpCode.GLOBAL_GET) {
                Integer value = globalI32((int) instruction.operand(0), depth);
                if (value == null) {
                    return null;
                }
                stack[size++] = value;
            } else if ((op == OpCode.I32_ADD || op == OpCode.I32_SUB || op == OpCode.I32_MUL) && size >= 2) {
                int b = stack[--size];
                int a = stack[--size];
                stack[size++] = op == OpCode.I32_ADD ? a + b : op == OpCode.I32_SUB ? a - b : a * b;
            } else {
                return null;
            }
        }
        return size == 1 ? stack[0] : null;
    }

    private @Nullable Integer globalI32(int index, int depth) {
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i).importType() == ExternalType.GLOBAL) {
                return null;
            }
        }
        var globals = module.globalSection();
        if (globals == null || index < 0 || index >= globals.globalCount()) {
            return null;
        }
        Global global = globals.getGlobal(index);
        if (global.mutabilityType() != MutabilityType.Const || !ValType.I32.equals(global.valueType())) {
            return null;
        }
        return constantI32(global.initInstructions(), depth + 1);
    }

    /** A required function export of the given type. */
    void requiredFunction(String name, FunctionType type) {
        Export export = find(name);
        if (export == null) {
            throw new IllegalArgumentException(
                    "module does not export '" + name + "' (required: a function " + format(type) + ")");
        }
        requireFunction(export, type);
    }

    /**
     * An optional function export of the given type.
     *
     * @return whether the module exports it
     */
    boolean optionalFunction(String name, FunctionType type) {
        Export export = find(name);
        if (export == null) {
            return false;
        }
        requireFunction(export, type);
        return true;
    }

    private void requireFunction(Export export, FunctionType type) {
        requireKind(export, ExternalType.FUNCTION);
        FunctionType actual = functionType(export.index());
        if (!sameType(type, actual)) {
            throw new IllegalArgumentException("export '" + export.name() + "' must have type " + format(type)
                    + ", but has type " + format(actual));
        }
    }

    private static void requireKind(Export export, ExternalType kind) {
        if (export.exportType() != kind) {
            throw new IllegalArgumentException("export '" + export.name() + "' must be " + kindName(kind)
                    + ", but is " + kindName(export.exportType()));
        }
    }

    private @Nullable Export find(String name) {
        var section = module.exportSection();
        for (int i = 0; i < section.exportCount(); i++) {
            Export e = section.getExport(i);
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** The type of a function by its index in the function index space (imports first). */
    private FunctionType functionType(int index) {
        var imports = module.importSection();
        int importIndex = 0;
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (imp.importType() == ExternalType.FUNCTION) {
                if (importIndex == index) {
                    return module.typeSection().getType(((FunctionImport) imp).typeIndex());
                }
                importIndex++;
            }
        }
        return module.functionSection().getFunctionType(index - importIndex, module.typeSection());
    }

    private static boolean sameType(FunctionType a, FunctionType b) {
        return a.params().equals(b.params()) && a.returns().equals(b.returns());
    }

    /** "(i32, i32) -> i64", "() -> ()". */
    static String format(FunctionType type) {
        String results;
        if (type.returns().size() == 1) {
            results = name(type.returns().get(0));
        } else {
            results = join(type.returns());
        }
        return join(type.params()) + " -> " + results;
    }

    private static String join(List<ValType> types) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (ValType t : types) {
            j.add(name(t));
        }
        return j.toString();
    }

    private static String name(ValType t) {
        if (t.equals(ValType.I32)) {
            return "i32";
        } else if (t.equals(ValType.I64)) {
            return "i64";
        } else if (t.equals(ValType.F32)) {
            return "f32";
        } else if (t.equals(ValType.F64)) {
            return "f64";
        } else if (t.equals(ValType.V128)) {
            return "v128";
        }
        return t.toString();
    }

    private static String kindName(ExternalType kind) {
        switch (kind) {
            case FUNCTION:
                return "a function";
            case MEMORY:
                return "a memory";
            case TABLE:
                return "a table";
            case GLOBAL:
                return "a global";
            case TAG:
                return "a tag";
            default:
                return kind.toString();
        }
    }
}
