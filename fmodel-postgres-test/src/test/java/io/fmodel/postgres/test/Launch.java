package io.fmodel.postgres.test;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs a test class of {@link Scenarios} as JUnit would, and tells what became of its tests. */
final class Launch {

    /** The outcome of each test, with the message of what aborted or failed it. */
    record Outcome(List<String> succeeded, List<String> aborted, List<String> failed) {

        /** {@return the outcome as one line, for a class loader of another test (only strings cross it)} */
        String line() {
            return "succeeded=" + succeeded + " aborted=" + aborted + " failed=" + failed;
        }
    }

    private Launch() {}

    static Outcome run(Class<?> testClass) {
        List<String> succeeded = new ArrayList<>();
        List<String> aborted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest()) {
                    result.getThrowable().ifPresent(t -> failed.add(test.getDisplayName() + ": " + t));
                    return;
                }
                String name = test.getDisplayName();
                switch (result.getStatus()) {
                    case SUCCESSFUL -> succeeded.add(name);
                    case ABORTED ->
                        aborted.add(name + ": "
                                + result.getThrowable().orElseThrow().getMessage());
                    case FAILED ->
                        failed.add(name + ": " + result.getThrowable().orElseThrow());
                }
            }
        };
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(testClass))
                                .build(),
                        listener);
        return new Outcome(List.copyOf(succeeded), List.copyOf(aborted), List.copyOf(failed));
    }

    /** {@return {@link #run}'s outcome of the class {@code testClass} as a line}: called from another class loader */
    static String runByName(String testClass) throws ClassNotFoundException {
        return run(Class.forName(testClass, true, Launch.class.getClassLoader()))
                .line();
    }
}
