package io.fmodel.examples;

/** The runnable demo; the examples issue fills it with the training scenario on an embedded PostgreSQL. */
public final class Demo {

    private Demo() {}

    /** Runs the demo. */
    public static void main(String[] args) {
        System.out.println("fmodel examples: the training demo is not written yet.");
    }
}
