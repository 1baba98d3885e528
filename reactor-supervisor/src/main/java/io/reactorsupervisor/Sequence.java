package io.reactorsupervisor;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * Runs one asynchronous step per child, in order, each awaited before the next: how a
 * supervisor starts its children in declared order and stops them in reverse. A step calls
 * its continuation when done, at once or later from the supervisor's drain; a step that
 * completes at once does not deepen the stack, so a sequence of any length runs flat.
 */
final class Sequence implements Runnable {

    private final List<ChildCell> children;
    private final BiConsumer<ChildCell, Runnable> step;
    private final Runnable done;
    private int next;
    private boolean running;
    private boolean again;
    private boolean finished;

    private Sequence(List<ChildCell> children, BiConsumer<ChildCell, Runnable> step, Runnable done) {
        this.children = children;
        this.step = step;
        this.done = done;
    }

    static void run(List<ChildCell> children, BiConsumer<ChildCell, Runnable> step, Runnable done) {
        new Sequence(children, step, done).run();
    }

    /** The continuation of a step: goes on with the next child. */
    @Override
    public void run() {
        if (running) {
            again = true;
            return;
        }
        running = true;
        try {
            do {
                again = false;
                if (finished) {
                    return;
                }
                if (next == children.size()) {
                    finished = true;
                    done.run();
                    return;
                }
                step.accept(children.get(next++), this);
            } while (again);
        } finally {
            running = false;
        }
    }
}
