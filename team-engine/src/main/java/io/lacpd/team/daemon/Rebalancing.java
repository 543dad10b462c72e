package io.lacpd.team.daemon;

import io.lacpd.team.Team;
import io.lacpd.team.balance.Rebalancer;
import io.lacpd.team.datapath.BucketBytes;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.FlowletTable;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import io.lacpd.transport.LacpRuntime;

import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code dynamic}'s periodic rebalancing: a timer thread that, every {@link #INTERVAL_MILLIS} ms, hands the LACP
 * loop a round of the team's {@link Rebalancer}; on the loop, the round reads the bytes per bucket the transmit
 * thread counted and lets the {@link Team} publish the moved buckets, as every other change to the member map is
 * published. The rebalancer's state is touched on the loop thread only. A round that moves buckets is logged
 * with the members' shares after it and the flowlet table's counts.
 */
final class Rebalancing implements AutoCloseable {

    /**
     * Between two rounds. A second: a few rounds settle an imbalance within seconds, and with the loads halved
     * each round a second's burst weighs little a few seconds on (Open vSwitch rebalances every 10 s, teamd every
     * 5 s: both settle slower).
     */
    static final long INTERVAL_MILLIS = 1000;

    private final ScheduledExecutorService timer;

    private Rebalancing(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts the rounds for this team; {@code log} takes a line for each round that moved buckets. */
    static Rebalancing start(String team, Distributor distributor, LacpRuntime runtime, Team t, Consumer<String> log) {
        BucketBytes bytes = distributor.bucketBytes();
        FlowletTable flowlets = distributor.flowlets();
        // half the timer's interval: a round the loop runs a little early is not refused
        Rebalancer rebalancer = new Rebalancer(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS) / 2);
        long[] counts = new long[MemberMap.BUCKETS];
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "team-rebalance-" + team);
            thread.setDaemon(true);
            return thread;
        });
        long[] moved = {0};
        timer.scheduleWithFixedDelay(() -> runtime.execute((system, now) -> {
            bytes.read(counts);
            if (t.rebalance(rebalancer, counts, now)) {
                long n = rebalancer.moves() - moved[0];
                log.accept("rebalanced by load: " + n + (n == 1 ? " bucket" : " buckets") + " moved; shares "
                        + shares(t.current()) + "; flows moved at a pause so far " + flowlets.moves()
                        + ", moves put off for a queue " + flowlets.held());
                moved[0] = rebalancer.moves();
            }
        }), INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        return new Rebalancing(timer);
    }

    /** "eth1 0.508, eth2 0.492": each transmitting member's share of the buckets. */
    static String shares(MemberMap map) {
        StringJoiner j = new StringJoiner(", ");
        for (Member m : map.members()) {
            if (m.transmit()) {
                double share = map.bucketsOf(m.slot()) / (double) MemberMap.BUCKETS;
                j.add(m.name() + " " + String.format(Locale.ROOT, "%.3f", share));
            }
        }
        return j.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
