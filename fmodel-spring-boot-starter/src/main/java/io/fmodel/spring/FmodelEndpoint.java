package io.fmodel.spring;

import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.StreamProcessor;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The Actuator endpoint {@code fmodel}: the views of this application's {@link ManagedProcessor}s with their lag and
 * parked partitions, and the release of a parked partition. Over HTTP, once exposed
 * ({@code management.endpoints.web.exposure.include=health,fmodel}):
 * <pre>
 * GET  /actuator/fmodel                 every view
 * GET  /actuator/fmodel/{view}          one view
 * POST /actuator/fmodel/{view}          {"decider": "training", "deciderId": "t-1"}: releases that partition
 * </pre>
 * Each read does one {@code view_lag} and one {@code parked_partitions} query per view; a release is delivered again
 * from its position, attempts starting over ({@link StreamProcessor#release}).
 */
@Endpoint(id = "fmodel")
public final class FmodelEndpoint {
    private final List<ManagedProcessor> processors;

    FmodelEndpoint(List<ManagedProcessor> processors) {
        this.processors = List.copyOf(processors);
    }

    /**
     * A view as the endpoint shows it.
     *
     * @param view the view (consumer group)
     * @param running whether its processor runs in this application
     * @param lag events not processed yet; null when its processor does not run
     * @param parked its parked partitions, oldest first; empty when its processor does not run
     */
    public record ViewState(
            String view, boolean running, @Nullable Long lag, List<ParkedPartition> parked) {}

    /** The views of this application. */
    public record Views(List<ViewState> views) {}

    /** {@return every view of this application, in the order of the processor beans} */
    @ReadOperation
    public Views views() {
        return new Views(processors.stream().map(FmodelEndpoint::state).toList());
    }

    /** {@return the view {@code view}, or null (404 over HTTP) if no processor of this application runs it} */
    @ReadOperation
    public @Nullable ViewState view(@Selector String view) {
        return find(view).map(FmodelEndpoint::state).orElse(null);
    }

    /**
     * Releases the parked partition {@code (decider, deciderId)} of {@code view}.
     *
     * @return the view after the release, or null (404 over HTTP) if no running processor of this application runs it
     */
    @WriteOperation
    public @Nullable ViewState release(@Selector String view, String decider, String deciderId) {
        Optional<ManagedProcessor> managed = find(view);
        Optional<StreamProcessor> processor = managed.flatMap(ManagedProcessor::processor);
        if (processor.isEmpty()) return null;
        processor.get().release(new Partition(decider, deciderId));
        return state(managed.get());
    }

    private Optional<ManagedProcessor> find(String view) {
        return processors.stream().filter(p -> p.view().equals(view)).findFirst();
    }

    private static ViewState state(ManagedProcessor managed) {
        return managed.processor()
                .map(p -> new ViewState(managed.view(), true, p.lag(), p.parked()))
                .orElseGet(() -> new ViewState(managed.view(), false, null, List.of()));
    }
}
