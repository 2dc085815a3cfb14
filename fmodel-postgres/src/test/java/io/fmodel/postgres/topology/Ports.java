package io.fmodel.postgres.topology;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the fixtures' servers, chosen at run time.
 *
 * <p>Drawn below the kernel's ephemeral range when there is room there: a server that is killed and restarted on
 * its port must find it free, and a port of the ephemeral range can meanwhile be taken as the local end of some
 * outgoing connection. Never 5432 or 5499 (servers of this machine), never one port twice in a JVM.
 */
final class Ports {

    private static final int LOWEST = 20_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static final InetAddress LOOPBACK = ipv4Loopback();

    private Ports() {}

    /** {@return a loopback port nobody listens on now and that this JVM has not handed out before} */
    static synchronized int free() {
        int ceiling = Math.min(32_768, ephemeralStart());
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ceiling - LOWEST > 1_000 ? ThreadLocalRandom.current().nextInt(LOWEST, ceiling) : anyEphemeral();
            if (port > 0 && port != 5432 && port != 5499 && !HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }
}
