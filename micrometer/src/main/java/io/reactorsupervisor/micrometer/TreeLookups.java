package io.reactorsupervisor.micrometer;

import io.reactorsupervisor.ComponentRef;
import io.reactorsupervisor.Supervisor;
import org.jspecify.annotations.Nullable;

/** Looks up the components and supervisors of a tree by their full path, null when there is none. */
final class TreeLookups {

    private final Supervisor root;
    private final String rootPath;

    TreeLookups(Supervisor root) {
        this.root = root;
        this.rootPath = root.path();
    }

    /** @return whether {@code path} is below the root: a component's or a nested supervisor's */
    boolean below(String path) {
        return path.length() > rootPath.length() + 1 && path.startsWith(rootPath)
                && path.charAt(rootPath.length()) == '/';
    }

    /** @return the component at {@code path} now, or null (none, or a supervisor) */
    @Nullable ComponentRef<?, ?> component(String path) {
        if (!below(path)) {
            return null;
        }
        try {
            return root.ref(path.substring(rootPath.length() + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the supervisor at {@code path} now (the root's own path included), or null (none, or a component) */
    @Nullable Supervisor supervisor(String path) {
        if (path.equals(rootPath)) {
            return root;
        }
        if (!below(path)) {
            return null;
        }
        try {
            return root.supervisor(path.substring(rootPath.length() + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the path of the supervisor of the child at {@code path} */
    static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }
}
