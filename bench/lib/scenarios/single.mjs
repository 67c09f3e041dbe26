// Single-broker scenarios: one fresh broker per target (ZooKeeper mode, fresh chroot of the run's ZooKeeper),
// cold-start probe, kafka-topics --create (6 partitions, rf 1), kafka-producer-perf-test (acks=1, 1 KiB
// records, unthrottled), kafka-consumer-perf-test, broker RSS/CPU, stop.
//
//   none, lz4, zstd   produce + consume, compression.type none / lz4 / zstd, every selected target
//   memory            produce only (none) against Kafka with -Xmx256m -Xms256m: the second Kafka memory figure.
//                     Gregor's and Kafka's default-heap peak RSS come from the `none` runs; when `none` is not
//                     selected, the memory scenario runs them too.
import {
  CLASSES,
  PERF_JVM_OPTS,
  consumerPerfArgs,
  createTopic,
  javaArgs,
  parseConsumerPerf,
  parseProducerPerf,
  producerPerfArgs,
} from '../java.mjs';
import { waitForFirstProduce } from '../probe.mjs';
import { checkResult, procCpuSeconds, procStatus, rssSampler, runCommand } from '../proc.mjs';
import {
  dirBytes,
  errorMessage,
  pastDeadline,
  removeDir,
  round2,
  runTempDir,
  skipped,
  settleMachine,
  startBroker,
  stepTimeoutMs,
  stopBroker,
  untilDeadline,
} from './common.mjs';

/**
 * One measurement: fresh broker → cold start probe → create topic → produce perf → [consume perf] → stop.
 * Never throws; failures are recorded in the result's `error`.
 */
export async function runSingleBroker(ctx, { target, scenario, round, compression, produceOnly = false }) {
  const { o, log } = ctx;
  const result = { target: target.name, scenario, round, compression };
  const name = `${target.name}-${scenario}-r${round}`;
  const dir = runTempDir(ctx, name);
  let broker = null;
  let sampler = null;
  try {
    result.settle = await settleMachine();
    broker = await startBroker(ctx, target, { dir, chrootName: name });
    sampler = rssSampler(broker.pid, 200);
    const cold = await waitForFirstProduce({
      host: broker.host,
      port: broker.port,
      topic: 'bench-coldstart',
      t0: broker.spawnedAt,
      timeoutMs: untilDeadline(o, 120_000),
      isAlive: broker.alive,
    });
    const readyLogMs = await Promise.race([broker.readyLogMs, new Promise((r) => setTimeout(() => r(null), 2000))]);
    result.coldStart = {
      connectMs: round2(cold.connectMs),
      firstProduceMs: round2(cold.firstProduceMs),
      attempts: cold.attempts,
      readyLogMs: readyLogMs === null ? null : round2(readyLogMs),
    };
    result.broker = { pid: broker.pid, hwmAtReadyKiB: procStatus(broker.pid)?.VmHWM ?? null };
    log(`  ${target.label}/${scenario} r${round}: pid ${broker.pid} on ${broker.bootstrap}, first produce after ${Math.round(cold.firstProduceMs)} ms`);

    const topic = `bench-${scenario}`;
    await createTopic({ bootstrap: broker.bootstrap, topic, partitions: o.partitions, log4jFile: ctx.toolsLog4j, timeoutMs: untilDeadline(o, 60_000) });

    const pArgs = producerPerfArgs({ bootstrap: broker.bootstrap, topic, records: o.records, recordSize: o.recordSize, compression, acks: '1' });
    const cpu0 = procCpuSeconds(broker.pid);
    const prod = await runCommand('java', javaArgs(PERF_JVM_OPTS, ctx.toolsLog4j, CLASSES.producerPerf, pArgs), {
      timeoutMs: stepTimeoutMs(o, o.records),
      sampleCpu: true,
    });
    const cpu1 = procCpuSeconds(broker.pid);
    result.broker.hwmAfterProduceKiB = procStatus(broker.pid)?.VmHWM ?? null;
    checkResult('kafka-producer-perf-test', prod);
    result.producer = parseProducerPerf(prod.stdout);
    if (!result.producer) throw new Error(`could not parse ProducerPerformance output:\n${prod.stdout.slice(-2000)}`);
    if (prod.stderr.trim()) result.producerStderr = prod.stderr.trim().split('\n').slice(-10);
    log(
      `    produce: ${result.producer.mbPerSec} MB/s, ${Math.round(result.producer.recordsPerSec)} rec/s, ` +
        `p99 ${result.producer.p99LatencyMs} ms; broker peak RSS ${Math.round((result.broker.hwmAfterProduceKiB ?? 0) / 1024)} MiB`,
    );
    result.broker.cpuSecProduce = cpu0 !== null && cpu1 !== null ? round2(cpu1 - cpu0) : null;
    result.tools = { producerCpuSec: prod.cpuSec, producerWallSec: round2(prod.ms / 1000) };

    if (!produceOnly) {
      const cArgs = consumerPerfArgs({ bootstrap: broker.bootstrap, topic, records: o.records, group: `bench-${scenario}-${round}` });
      const cons = await runCommand('java', javaArgs(PERF_JVM_OPTS, ctx.toolsLog4j, CLASSES.consumerPerf, cArgs), {
        timeoutMs: stepTimeoutMs(o, o.records),
        sampleCpu: true,
      });
      const cpu2 = procCpuSeconds(broker.pid);
      checkResult('kafka-consumer-perf-test', cons);
      result.consumer = parseConsumerPerf(cons.stdout);
      if (!result.consumer) throw new Error(`could not parse ConsumerPerformance output:\n${cons.stdout.slice(-2000)}`);
      if (cons.stderr.trim()) result.consumerStderr = cons.stderr.trim().split('\n').slice(-10);
      log(
        `    consume: ${result.consumer.mbPerSec} MB/s, ${Math.round(result.consumer.recordsPerSec)} rec/s ` +
          `(${result.consumer.records} records, rebalance ${result.consumer.rebalanceMs} ms)`,
      );
      result.broker.cpuSecConsume = cpu1 !== null && cpu2 !== null ? round2(cpu2 - cpu1) : null;
      result.tools.consumerCpuSec = cons.cpuSec;
      result.tools.consumerWallSec = round2(cons.ms / 1000);
    }
    result.broker.dataBytes = dirBytes(broker.dataDir);
  } catch (e) {
    result.error = errorMessage(e);
    log(`  FAILED ${target.label}/${scenario} r${round}: ${result.error.split('\n')[0]}`);
  } finally {
    if (sampler) {
      const rss = sampler.stop();
      result.broker = { ...(result.broker ?? {}), vmHwmKiB: rss.hwmKiB, peakRssKiB: rss.peakRssKiB };
    }
    if (broker) {
      const s = await stopBroker(ctx, broker, name);
      result.broker = { ...(result.broker ?? {}), ...s.shutdown };
      result.brokerLog = s.brokerLog;
      result.shutdownLog = s.shutdownLog;
      result.brokerLogCopy = s.brokerLogCopy;
    }
    removeDir(ctx, dir);
  }
  return result;
}

function compressionScenario(name, compression) {
  return {
    name,
    kind: 'single',
    title: `single broker, ${compression === 'none' ? 'uncompressed' : compression} batches`,
    async run(ctx, round) {
      const out = [];
      for (const t of ctx.targetNames) {
        if (t === 'kafka-xmx256m') continue;
        if (pastDeadline(ctx, `round ${round}: ${t} ${name}`)) {
          out.push(skipped(ctx, t, name, round));
          continue;
        }
        ctx.log(`round ${round}/${ctx.o.rounds}: ${ctx.targets[t].label} ${name}`);
        out.push(await runSingleBroker(ctx, { target: ctx.targets[t], scenario: name, round, compression }));
      }
      return out;
    },
  };
}

export const none = compressionScenario('none', 'none');
export const lz4 = compressionScenario('lz4', 'lz4');
export const zstd = compressionScenario('zstd', 'zstd');

export const memory = {
  name: 'memory',
  kind: 'single',
  title: 'peak RSS under the produce scenario (Kafka also with -Xmx256m)',
  async run(ctx, round) {
    const names = [];
    if (ctx.targetNames.includes('kafka') || ctx.targetNames.includes('kafka-xmx256m')) names.push('kafka-xmx256m');
    if (!ctx.o.scenarios.includes('none')) names.unshift(...ctx.targetNames.filter((t) => t !== 'kafka-xmx256m'));
    const out = [];
    for (const t of names) {
      if (pastDeadline(ctx, `round ${round}: ${t} memory`)) {
        out.push(skipped(ctx, t, 'memory', round));
        continue;
      }
      ctx.log(`round ${round}/${ctx.o.rounds}: ${ctx.targets[t].label} memory (produce only)`);
      out.push(await runSingleBroker(ctx, { target: ctx.targets[t], scenario: 'memory', round, compression: 'none', produceOnly: true }));
    }
    return out;
  },
};
