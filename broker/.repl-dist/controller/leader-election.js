/** Leader recovery state after an unclean election (KIP-704): the leader must recover before widening the ISR. */
export const LEADER_RECOVERY_RECOVERED = 0;
export const LEADER_RECOVERY_RECOVERING = 1;
export function offlinePartitionLeader(assignment, isr, live, uncleanEnabled) {
    const clean = assignment.find((id) => live.has(id) && isr.includes(id));
    if (clean !== undefined)
        return clean;
    return uncleanEnabled ? assignment.find((id) => live.has(id)) : undefined;
}
export function reassignPartitionLeader(targetReplicas, isr, live) {
    return targetReplicas.find((id) => live.has(id) && isr.includes(id));
}
export function preferredReplicaLeader(assignment, isr, live) {
    const preferred = assignment[0];
    return preferred !== undefined && live.has(preferred) && isr.includes(preferred) ? preferred : undefined;
}
export function controlledShutdownLeader(assignment, isr, live, shuttingDown) {
    return assignment.find((id) => live.has(id) && isr.includes(id) && !shuttingDown.has(id));
}
/** Returns the new state and the brokers that must receive LeaderAndIsr, or undefined when no leader can be chosen. */
export function elect(strategy, input) {
    const { current, assignment } = input;
    const isr = current.isr;
    const liveReplicas = assignment.filter((r) => input.live.has(r));
    const bump = (leader, newIsr, recovery = current.leaderRecoveryState) => ({
        leader,
        leaderEpoch: current.leaderEpoch + 1,
        isr: newIsr,
        leaderRecoveryState: recovery,
        zkVersion: current.zkVersion,
    });
    switch (strategy.kind) {
        case 'offline': {
            const leader = offlinePartitionLeader(assignment, isr, input.live, strategy.allowUnclean);
            if (leader === undefined)
                return undefined;
            if (isr.includes(leader))
                return { next: bump(leader, isr.filter((r) => input.live.has(r))), recipients: liveReplicas };
            // Unclean: the ISR restarts from the new leader alone, which is marked RECOVERING.
            return { next: bump(leader, [leader], LEADER_RECOVERY_RECOVERING), recipients: liveReplicas };
        }
        case 'reassign': {
            const leader = reassignPartitionLeader(input.targetReplicas, isr, input.live);
            if (leader === undefined)
                return undefined;
            return { next: bump(leader, [...isr]), recipients: liveReplicas };
        }
        case 'preferred': {
            const leader = preferredReplicaLeader(assignment, isr, input.live);
            if (leader === undefined)
                return undefined;
            return { next: bump(leader, [...isr]), recipients: liveReplicas };
        }
        case 'controlledShutdown': {
            const liveOrShutting = assignment.filter((r) => input.liveOrShuttingDown.has(r));
            const leader = controlledShutdownLeader(assignment, isr, input.liveOrShuttingDown, input.shuttingDown);
            if (leader === undefined)
                return undefined;
            return { next: bump(leader, isr.filter((r) => !input.shuttingDown.has(r))), recipients: liveOrShutting };
        }
    }
}
//# sourceMappingURL=leader-election.js.map