package io.reactorsupervisor.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.TableSection;

/**
 * Gives a parsed module tables that no instance can change and that cannot grow past the table
 * cap.
 *
 * <p>Chicory 1.7.5 sizes a new instance's table from the parsed module's {@link TableLimits},
 * and {@code table.grow} in any instance adds to those same limits ({@code TableLimits.grow}
 * mutates them, without synchronisation), so a table grown by one instance was the starting size
 * of every later instance of the module, and racing instantiations could read a half-written
 * size. The module is rebuilt once, at build time, with limits whose {@code grow} does nothing
 * and whose maximum is capped: each instance still has its own table (its own arrays), which
 * {@code table.grow} grows up to that maximum and returns -1 past it.
 */
final class Tables {

    private Tables() {
    }

    /**
     * The module with fixed, capped table limits; the module itself if it defines no table.
     *
     * @param module a parsed, validated module
     * @param cap the most entries of all its tables together, per instance
     * @return a module sharing every other section with {@code module}
     * @throws IllegalArgumentException if the declared tables do not fit the cap
     */
    static WasmModule bounded(WasmModule module, int cap) {
        TableSection section = module.tableSection();
        int count = section.tableCount();
        if (count == 0) {
            return module;
        }
        long declared = 0;
        for (int i = 0; i < count; i++) {
            declared += section.getTable(i).limits().min();
        }
        if (declared > cap) {
            throw new IllegalArgumentException("module declares tables of " + declared
                    + " initial entries in all, more than tableLimitEntries " + cap);
        }
        // The headroom is shared out evenly, so that all tables grown to their maximum still fit.
        long share = (cap - declared) / count;
        TableSection.Builder tables = TableSection.builder();
        for (int i = 0; i < count; i++) {
            Table table = section.getTable(i);
            TableLimits limits = table.limits();
            long max = Math.min(limits.max(), limits.min() + share);
            tables.addTable(new Table(table.elementType(), new Fixed(limits.min(), max), table.initialize()));
        }
        WasmModule.Builder b = WasmModule.builder()
                .setTypeSection(module.typeSection())
                .setImportSection(module.importSection())
                .setFunctionSection(module.functionSection())
                .setTableSection(tables.build())
                .setGlobalSection(module.globalSection())
                .setExportSection(module.exportSection())
                .setElementSection(module.elementSection())
                .setCodeSection(module.codeSection())
                .setDataSection(module.dataSection())
                .withDigest(module.digest())
                .withValidation(false); // validated when parsed; only the limits changed
        module.memorySection().ifPresent(b::setMemorySection);
        module.startSection().ifPresent(b::setStartSection);
        module.dataCountSection().ifPresent(b::setDataCountSection);
        module.tagSection().ifPresent(b::setTagSection);
        for (CustomSection custom : module.customSections()) {
            b.addCustomSection(custom.name(), custom);
        }
        for (int id : module.ignoredSections()) {
            b.addIgnoredSection(id);
        }
        return b.build();
    }

    /** Table limits that growth in an instance leaves as they are. */
    private static final class Fixed extends TableLimits {

        Fixed(long min, long max) {
            super(min, max);
        }

        @Override
        public void grow(int size) {
            // Chicory calls this on the module's shared limits when an instance grows its table:
            // the instance's own arrays have grown, the module's declared size must not.
        }
    }
}
