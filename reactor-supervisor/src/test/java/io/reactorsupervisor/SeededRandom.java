package io.reactorsupervisor;

import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.params.provider.Arguments;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.IncompleteExecutionException;
import org.opentest4j.TestAbortedException;

/**
 * Seeded random cases for the property tests, on JUnit Jupiter's own parameterized tests: a
 * {@code @ParameterizedTest} takes its cases from a {@code @MethodSource} factory of the same
 * name that returns {@link #cases(TestInfo, int, Gen...)}.
 *
 * <p>The cases of a property are the combinations of the edge values of its parameters (the
 * minimum and the maximum of each range, 0 when inside it, the empty list, single-element and
 * longest lists), then uniform random draws, into which edge values are still mixed now and
 * then, up to the number of tries. They are drawn from a {@link SplittableRandom} seeded with
 * {@link #SEED} and the property's name: the same seed gives the same cases. The seed is fixed;
 * {@code -Dreactor.supervisor.seed=<long>} replaces it, {@code -Dreactor.supervisor.seed=random}
 * picks a new one (and prints it). Each case's display name holds its values and the seed, and
 * {@link ReportSeed} puts the seed and the full values in the message of a case that fails.
 */
final class SeededRandom {

    static final String SEED_PROPERTY = "reactor.supervisor.seed";

    static final long DEFAULT_SEED = 20_250_601L;

    /** The seed of every property in this run. */
    static final long SEED = readSeed();

    /** A random draw returns one of the edge values instead, once in this many. */
    private static final int EDGE_ODDS = 20;

    /** Lists longer than this are abbreviated in display names (failure messages show them whole). */
    private static final int SHOWN_ELEMENTS = 10;

    private SeededRandom() {
    }

    private static long readSeed() {
        String value = System.getProperty(SEED_PROPERTY, "").strip();
        if (value.isEmpty()) {
            return DEFAULT_SEED;
        }
        if (value.equalsIgnoreCase("random")) {
            long seed = new SecureRandom().nextLong();
            System.out.println("Property tests run with -D" + SEED_PROPERTY + "=" + seed);
            return seed;
        }
        try {
            return Long.decode(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "-D" + SEED_PROPERTY + " must be a long or 'random', but was '" + value + "'", e);
        }
    }

    /** The values of one parameter of a property. */
    static final class Gen<T> {
        final String name;
        final List<T> edges;
        private final Function<SplittableRandom, T> uniform;

        Gen(String name, List<T> edges, Function<SplittableRandom, T> uniform) {
            this.name = name;
            this.edges = List.copyOf(edges);
            this.uniform = uniform;
        }

        /** A uniform value, or once in {@link #EDGE_ODDS} one of the edge values. */
        T draw(SplittableRandom random) {
            if (random.nextInt(EDGE_ODDS) == 0) {
                return edges.get(random.nextInt(edges.size()));
            }
            return uniform.apply(random);
        }
    }

    /** An {@code int} in {@code [min, max]}. */
    static Gen<Integer> ints(String name, int min, int max) {
        checkRange(min, max);
        return new Gen<>(name, integralEdges(min, max).stream().map(Long::intValue).collect(Collectors.toList()),
                r -> (int) uniformLong(r, min, max));
    }

    /** A {@code long} in {@code [min, max]}. */
    static Gen<Long> longs(String name, long min, long max) {
        checkRange(min, max);
        return new Gen<>(name, integralEdges(min, max), r -> uniformLong(r, min, max));
    }

    /** A {@code double} in {@code [min, max]}. */
    static Gen<Double> doubles(String name, double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
        return new Gen<>(name, List.of(min, max), r -> r.nextDouble(min, max));
    }

    /** A {@code double} in {@code [min, max)}. */
    static Gen<Double> doublesBelow(String name, double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + ")");
        }
        return new Gen<>(name, List.of(min, Math.nextDown(max)), r -> r.nextDouble(min, max));
    }

    /** A list of {@code [minSize, maxSize]} elements, each drawn from {@code element}. */
    static <E> Gen<List<E>> lists(String name, int minSize, int maxSize, Gen<E> element) {
        if (minSize < 0 || minSize > maxSize) {
            throw new IllegalArgumentException("bad sizes [" + minSize + ", " + maxSize + "]");
        }
        List<List<E>> edges = new ArrayList<>();
        if (minSize == 0) {
            edges.add(List.of());
        }
        int shortest = Math.max(minSize, 1);
        for (E e : element.edges) {
            edges.add(Collections.nCopies(shortest, e));
        }
        if (maxSize > shortest) {
            for (E e : element.edges) {
                edges.add(Collections.nCopies(maxSize, e));
            }
        }
        return new Gen<>(name, edges, r -> {
            int size = r.nextInt(EDGE_ODDS) == 0 ? (r.nextBoolean() ? minSize : maxSize) : r.nextInt(minSize, maxSize + 1);
            List<E> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(element.draw(r));
            }
            return Collections.unmodifiableList(list);
        });
    }

    private static void checkRange(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
    }

    private static List<Long> integralEdges(long min, long max) {
        Set<Long> edges = new LinkedHashSet<>(List.of(min, max));
        if (min < 0 && 0 < max) {
            edges.add(0L);
        }
        return List.copyOf(edges);
    }

    private static long uniformLong(SplittableRandom r, long min, long max) {
        if (max < Long.MAX_VALUE) {
            return r.nextLong(min, max + 1);
        }
        return min > Long.MIN_VALUE ? r.nextLong(min - 1, max) + 1 : r.nextLong();
    }

    /**
     * The {@code tries} cases of the property {@code property} (the {@code TestInfo} a
     * {@code @MethodSource} factory receives names the parameterized test): the edge
     * combinations first, when there are at most half as many as tries, then random draws.
     */
    static Stream<Arguments> cases(TestInfo property, int tries, Gen<?>... parameters) {
        String name = property.getTestMethod().map(Method::getName).orElseThrow();
        SplittableRandom random = new SplittableRandom(SEED + 0x9E3779B97F4A7C15L * name.hashCode());
        List<Object[]> rows = new ArrayList<>(edgeCases(parameters, tries / 2, random));
        while (rows.size() < tries) {
            rows.add(Arrays.stream(parameters).map(p -> p.draw(random)).toArray());
        }
        return rows.stream().limit(tries).map(row -> argumentSet(describe(parameters, row), row));
    }

    /**
     * Every combination of the parameters' edge values when there are at most {@code limit};
     * otherwise all minimums, all maximums, and each edge value of each parameter with random
     * values of the others.
     */
    private static List<Object[]> edgeCases(Gen<?>[] parameters, int limit, SplittableRandom random) {
        long combinations = 1;
        for (Gen<?> p : parameters) {
            combinations = Math.min(combinations * p.edges.size(), Integer.MAX_VALUE);
        }
        List<Object[]> rows = new ArrayList<>();
        if (combinations <= limit) {
            IntStream.range(0, (int) combinations).forEach(i -> {
                Object[] row = new Object[parameters.length];
                int rest = i;
                for (int j = parameters.length - 1; j >= 0; j--) {
                    List<?> edges = parameters[j].edges;
                    row[j] = edges.get(rest % edges.size());
                    rest /= edges.size();
                }
                rows.add(row);
            });
            return rows;
        }
        rows.add(Arrays.stream(parameters).map(p -> p.edges.get(0)).toArray());
        rows.add(Arrays.stream(parameters).map(p -> p.edges.get(p.edges.size() - 1)).toArray());
        for (int j = 0; j < parameters.length; j++) {
            for (Object edge : parameters[j].edges) {
                Object[] row = Arrays.stream(parameters).map(p -> p.draw(random)).toArray();
                row[j] = edge;
                rows.add(row);
            }
        }
        return rows.subList(0, Math.min(rows.size(), limit));
    }

    private static String describe(Gen<?>[] parameters, Object[] row) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < parameters.length; i++) {
            s.append(i == 0 ? "" : ", ").append(parameters[i].name).append('=').append(show(row[i]));
        }
        return s.append(" (seed ").append(SEED).append(')').toString();
    }

    private static String show(Object value) {
        if (value instanceof List && ((List<?>) value).size() > SHOWN_ELEMENTS) {
            List<?> list = (List<?>) value;
            return list.subList(0, SHOWN_ELEMENTS).stream().map(String::valueOf)
                    .collect(Collectors.joining(", ", "[", ", ... (" + list.size() + " elements)]"));
        }
        return String.valueOf(value);
    }

    /**
     * Puts the seed, the case and its full values at the head of the message of a case that
     * fails, with the command that runs the property again with the same cases; and stops a
     * property at its first failing case: the cases after it are skipped.
     */
    static final class ReportSeed implements InvocationInterceptor {

        private static final Namespace NAMESPACE = Namespace.create(ReportSeed.class);

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation,
                ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext)
                throws Throwable {
            Store store = extensionContext.getParent().orElse(extensionContext).getStore(NAMESPACE);
            Object failed = store.get("failed");
            if (failed != null) {
                invocation.skip();
                throw new TestAbortedException("the property already failed for case " + failed);
            }
            try {
                invocation.proceed();
            } catch (IncompleteExecutionException | VirtualMachineError e) {
                throw e;
            } catch (Throwable failure) {
                store.put("failed", extensionContext.getDisplayName());
                throw falsified(failure, invocationContext, extensionContext);
            }
        }

        private static AssertionError falsified(Throwable failure,
                ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) {
            Method method = invocationContext.getExecutable();
            String property = method.getDeclaringClass().getSimpleName() + "#" + method.getName();
            String message = property + " failed for case " + extensionContext.getDisplayName()
                    + "\n  values: " + Arrays.deepToString(invocationContext.getArguments().toArray())
                    + "\n  seed " + SEED + ": run it again with mvn -pl reactor-supervisor test -Dtest='"
                    + property + "' -D" + SEED_PROPERTY + "=" + SEED
                    + "\n" + failure;
            AssertionError falsified = new AssertionError(message, failure);
            if (failure instanceof AssertionFailedError) {
                AssertionFailedError f = (AssertionFailedError) failure;
                if (f.isExpectedDefined() && f.isActualDefined()) {
                    // keeps expected and actual for the IDE's comparison
                    falsified = new AssertionFailedError(message, f.getExpected().getEphemeralValue(),
                            f.getActual().getEphemeralValue(), failure);
                }
            }
            // the trace points at the failing line of the test, and the cause's shrinks to "... n more"
            falsified.setStackTrace(failure.getStackTrace());
            return falsified;
        }
    }
}
