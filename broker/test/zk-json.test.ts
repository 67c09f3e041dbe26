// Pure codec tests for zk-json.ts. The expected strings are what Kafka 3.9.1's own ZkData encoders produce
// (kafka_2.13-3.9.1.jar, run once with the same inputs), so these pin the format byte for byte.
import { describe, expect, it } from 'vitest';
import {
  ZkDataError,
  decodeBrokerRegistration,
  decodeClusterId,
  decodeConfigChangeNotification,
  decodeController,
  decodeControllerEpoch,
  decodeEntityConfig,
  decodePartitionState,
  decodePreferredReplicaElection,
  decodeProducerIdBlock,
  decodeReassignment,
  decodeTopicAssignment,
  encodeBrokerRegistration,
  encodeClusterId,
  encodeConfigChangeNotification,
  encodeController,
  encodeControllerEpoch,
  encodeEntityConfig,
  encodePartitionState,
  encodePreferredReplicaElection,
  encodeProducerIdBlock,
  encodeReassignment,
  encodeTopicAssignment,
  javaPropertiesOrder,
  jsonString,
  scalaMutableHashMapOrder,
} from '../src/metadata/zk-json.js';

const TOPIC_ID = 'q9Y8Dk3-SLmVqS0RoLZ1Hg';
const s = (b: Buffer): string => b.toString('utf8');
const noTs = (x: string): string => x.replace(/"timestamp":"\d+"/, '"timestamp":"T"');
const parts = (n: number, f: (p: number) => number[] = () => [1, 2]): Map<number, number[]> =>
  new Map(Array.from({ length: n }, (_, p) => [p, f(p)] as [number, number[]]));
const pairs = (kvs: string[]): [string, string][] =>
  kvs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);

describe('encoders match Kafka 3.9 byte for byte', () => {
  it('broker registration v5', () => {
    const ep = { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' };
    expect(noTs(s(encodeBrokerRegistration({ endpoints: [ep], rack: null, timestampMs: 1 })))).toBe(
      noTs('{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:9092"],"jmx_port":-1,"port":9092,"host":"127.0.0.1","version":5,"timestamp":"1795646002651"}'),
    );
    expect(noTs(s(encodeBrokerRegistration({ endpoints: [ep], rack: 'r1', timestampMs: 1 })))).toBe(
      noTs('{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:9092"],"rack":"r1","jmx_port":-1,"port":9092,"host":"127.0.0.1","version":5,"timestamp":"1795646003679"}'),
    );
    const multi = [
      { name: 'INTERNAL', host: 'h1', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'EXTERNAL', host: 'h2', port: 9093, securityProtocol: 'PLAINTEXT' },
      { name: 'REPLICATION', host: 'h3', port: 9094, securityProtocol: 'PLAINTEXT' },
    ];
    expect(noTs(s(encodeBrokerRegistration({ endpoints: multi, rack: null, timestampMs: 1795645875762 })))).toBe(
      noTs('{"features":{},"listener_security_protocol_map":{"INTERNAL":"PLAINTEXT","EXTERNAL":"PLAINTEXT","REPLICATION":"PLAINTEXT"},"endpoints":["INTERNAL://h1:9092","EXTERNAL://h2:9093","REPLICATION://h3:9094"],"jmx_port":-1,"port":9092,"host":"h1","version":5,"timestamp":"1795646003684"}'),
    );
    expect(s(encodeBrokerRegistration({ endpoints: [ep], rack: null, timestampMs: 1795646002651 }))).toBe(
      '{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://127.0.0.1:9092"],"jmx_port":-1,"port":9092,"host":"127.0.0.1","version":5,"timestamp":"1795646002651"}',
    );
  });

  it('controller, controller epoch, cluster id', () => {
    expect(s(encodeController(1, 1700000000000))).toBe('{"version":2,"brokerid":1,"timestamp":"1700000000000","kraftControllerEpoch":-1}');
    expect(s(encodeControllerEpoch(1))).toBe('1');
    expect(s(encodeClusterId('abcDEF123'))).toBe('{"version":"1","id":"abcDEF123"}');
  });

  it('topic assignment v3 with topic_id, adding and removing replicas', () => {
    const one = parts(1, () => [1, 2, 3]);
    const adding = new Map([[0, [3]]]);
    const removing = new Map([[0, [4]]]);
    expect(s(encodeTopicAssignment({ topicId: TOPIC_ID, partitions: one, addingReplicas: adding, removingReplicas: removing }))).toBe(
      '{"partitions":{"0":[1,2,3]},"topic_id":"q9Y8Dk3-SLmVqS0RoLZ1Hg","adding_replicas":{"0":[3]},"removing_replicas":{"0":[4]},"version":3}',
    );
    expect(s(encodeTopicAssignment({ topicId: null, partitions: parts(1) }))).toBe('{"partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{},"version":3}');
    expect(s(encodeTopicAssignment({ topicId: TOPIC_ID, partitions: parts(5) }))).toBe('{"partitions":{"0":[1,2],"1":[1,2],"2":[1,2],"3":[1,2],"4":[1,2]},"topic_id":"q9Y8Dk3-SLmVqS0RoLZ1Hg","adding_replicas":{},"removing_replicas":{},"version":3}');
  });

  it('partition maps in Scala mutable.HashMap order (12, 25 partitions)', () => {
    expect(s(encodeTopicAssignment({ topicId: TOPIC_ID, partitions: parts(12) }))).toBe(
      '{"partitions":{"11":[1,2],"0":[1,2],"1":[1,2],"2":[1,2],"3":[1,2],"4":[1,2],"5":[1,2],"6":[1,2],"7":[1,2],"8":[1,2],"9":[1,2],"10":[1,2]},"topic_id":"q9Y8Dk3-SLmVqS0RoLZ1Hg","adding_replicas":{},"removing_replicas":{},"version":3}',
    );
    expect(s(encodeTopicAssignment({ topicId: TOPIC_ID, partitions: parts(25) }))).toBe(
      '{"partitions":{"22":[1,2],"23":[1,2],"24":[1,2],"10":[1,2],"11":[1,2],"12":[1,2],"13":[1,2],"14":[1,2],"15":[1,2],"16":[1,2],"17":[1,2],"18":[1,2],"19":[1,2],"0":[1,2],"1":[1,2],"2":[1,2],"3":[1,2],"4":[1,2],"5":[1,2],"6":[1,2],"7":[1,2],"8":[1,2],"9":[1,2],"20":[1,2],"21":[1,2]},"topic_id":"q9Y8Dk3-SLmVqS0RoLZ1Hg","adding_replicas":{},"removing_replicas":{},"version":3}',
    );
    // 1000 partitions: the key order Kafka wrote.
    expect(scalaMutableHashMapOrder(Array.from({ length: 1000 }, (_, i) => String(i))).join(',')).toBe(
      '0,1,2,3,4,5,6,7,8,800,9,801,802,803,804,805,806,807,808,809,810,811,812,813,814,815,816,817,818,819,820,821,822,823,824,825,826,827,828,829,830,831,832,833,834,835,836,837,838,839,840,841,600,842,601,843,602,844,603,845,604,846,605,847,606,848,607,849,608,609,850,851,610,852,611,853,612,854,613,855,614,856,615,857,616,858,617,859,618,619,860,861,620,862,621,863,622,864,623,865,624,866,625,867,626,868,627,869,628,629,870,871,630,872,631,873,632,874,633,875,634,876,635,877,636,878,637,879,638,639,880,881,640,882,641,883,400,642,884,401,643,885,402,644,886,403,645,887,404,646,888,405,647,889,406,648,407,649,408,409,890,891,650,892,651,893,410,652,894,411,653,895,412,654,896,413,655,897,414,656,898,415,657,899,416,658,417,659,418,419,660,661,420,662,421,663,422,664,423,665,424,666,425,667,426,668,427,669,428,429,670,671,430,672,431,673,432,674,433,675,434,676,435,677,436,678,437,679,438,439,680,681,440,682,441,683,200,442,684,201,443,685,202,444,686,203,445,687,204,446,688,205,447,689,206,448,207,449,208,209,690,691,450,692,451,693,210,452,694,211,453,695,212,454,696,213,455,697,214,456,698,215,457,699,216,458,217,459,218,219,460,461,220,462,221,463,222,464,223,465,224,466,225,467,226,468,227,469,228,229,470,471,230,472,231,473,232,474,233,475,234,476,235,477,236,478,237,479,238,239,480,481,240,482,241,483,242,484,243,485,244,486,245,487,246,488,247,489,248,249,490,491,250,492,251,493,252,494,253,495,254,496,255,497,256,498,257,499,258,259,260,261,262,263,264,265,266,267,268,269,270,271,272,273,274,275,276,277,278,279,280,281,282,283,284,285,286,287,288,289,290,291,292,293,294,295,296,297,298,299,900,901,902,903,904,905,906,907,908,909,910,911,912,913,914,915,916,917,918,919,920,921,922,923,924,925,926,927,928,929,930,931,932,933,934,935,936,937,938,939,940,941,700,942,701,943,702,944,703,945,704,946,705,947,706,948,707,949,708,709,950,951,710,952,711,953,712,954,713,955,714,956,715,957,716,958,717,959,718,719,960,961,720,962,721,963,722,964,723,965,724,966,725,967,726,968,727,969,728,729,970,971,730,972,731,973,732,974,733,975,734,976,735,977,736,978,737,979,738,739,980,981,740,982,741,983,500,742,984,501,743,985,502,744,986,503,745,987,504,746,988,505,747,989,506,748,507,749,508,509,990,991,750,992,751,993,510,752,994,511,753,995,512,754,996,513,755,997,514,756,998,515,757,999,516,758,517,759,518,519,760,761,520,762,521,763,522,764,523,765,524,766,525,767,526,768,527,769,528,529,770,771,530,772,531,773,532,774,533,775,534,776,535,777,536,778,537,779,538,539,780,781,540,782,541,783,300,542,784,301,543,785,302,544,786,303,545,787,304,546,788,305,547,789,306,548,307,549,308,309,790,791,550,792,551,793,310,552,794,311,553,795,312,554,796,313,555,797,314,556,798,315,557,799,316,558,317,559,318,319,560,561,320,562,321,563,322,564,323,565,324,566,325,567,326,568,327,569,328,329,570,571,330,572,331,573,332,574,333,575,334,576,335,577,336,578,337,579,338,339,580,581,340,582,341,583,100,342,584,101,343,585,102,344,586,103,345,587,104,346,588,105,347,589,106,348,107,349,108,109,590,591,350,592,351,593,110,352,594,111,353,595,112,354,596,113,355,597,114,356,598,115,357,599,116,358,117,359,118,119,10,11,12,13,14,15,16,17,18,19,360,361,120,362,121,363,122,364,123,365,124,366,125,367,126,368,127,369,128,129,20,21,22,23,24,25,26,27,28,29,370,371,130,372,131,373,132,374,133,375,134,376,135,377,136,378,137,379,138,139,30,31,32,33,34,35,36,37,38,39,380,381,140,382,141,383,142,384,143,385,144,386,145,387,146,388,147,389,148,149,40,41,42,43,44,45,46,47,48,49,390,391,150,392,151,393,152,394,153,395,154,396,155,397,156,398,157,399,158,159,50,51,52,53,54,55,56,57,58,59,160,161,162,163,164,165,166,167,168,169,60,61,62,63,64,65,66,67,68,69,170,171,172,173,174,175,176,177,178,179,70,71,72,73,74,75,76,77,78,79,180,181,182,183,184,185,186,187,188,189,80,81,82,83,84,85,86,87,88,89,190,191,192,193,194,195,196,197,198,199,90,91,92,93,94,95,96,97,98,99',
    );
  });

  it('partition state v1 (and leader_recovery_state when RECOVERING)', () => {
    expect(s(encodePartitionState({ leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1 }))).toBe(
      '{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}',
    );
    expect(
      s(encodePartitionState({ leader: 1, leaderEpoch: 3, isr: [1], controllerEpoch: 7, leaderRecoveryState: 1 })),
    ).toBe('{"controller_epoch":7,"leader":1,"version":1,"leader_recovery_state":1,"leader_epoch":3,"isr":[1]}');
  });

  it('entity config v1 in java.util.Properties order', () => {
    expect(s(encodeEntityConfig({}))).toBe('{"version":1,"config":{}}');
    expect(s(encodeEntityConfig({ 'retention.ms': '1000' }))).toBe('{"version":1,"config":{"retention.ms":"1000"}}');
    // Same keys, different insertion order: Kafka's output differs (two keys share a bin).
    expect(s(encodeEntityConfig(pairs(['retention.ms=1000', 'cleanup.policy=compact', 'segment.bytes=1048576'])))).toBe(
      '{"version":1,"config":{"cleanup.policy":"compact","retention.ms":"1000","segment.bytes":"1048576"}}',
    );
    expect(s(encodeEntityConfig(pairs(['segment.bytes=1048576', 'cleanup.policy=compact', 'retention.ms=1000'])))).toBe(
      '{"version":1,"config":{"cleanup.policy":"compact","segment.bytes":"1048576","retention.ms":"1000"}}',
    );
    // 27 keys: two resizes of the underlying ConcurrentHashMap.
    expect(s(encodeEntityConfig(pairs(["min.insync.replicas=2", "max.message.bytes=2000000", "message.timestamp.type=LogAppendTime", "retention.bytes=-1", "segment.ms=100000", "cleanup.policy=compact,delete", "compression.type=lz4", "delete.retention.ms=1", "file.delete.delay.ms=2", "flush.messages=3", "flush.ms=4", "index.interval.bytes=5", "local.retention.bytes=6", "local.retention.ms=7", "max.compaction.lag.ms=8", "message.downconversion.enable=true", "min.cleanable.dirty.ratio=0.1", "min.compaction.lag.ms=9", "preallocate=true", "remote.storage.enable=false", "segment.index.bytes=10", "segment.jitter.ms=11", "unclean.leader.election.enable=true", "retention.ms=12", "segment.bytes=13", "follower.replication.throttled.replicas=*", "leader.replication.throttled.replicas=*"])))).toBe(
      '{"version":1,"config":{"compression.type":"lz4","leader.replication.throttled.replicas":"*","remote.storage.enable":"false","min.insync.replicas":"2","message.downconversion.enable":"true","segment.jitter.ms":"11","local.retention.ms":"7","cleanup.policy":"compact,delete","flush.ms":"4","follower.replication.throttled.replicas":"*","retention.ms":"12","segment.bytes":"13","flush.messages":"3","file.delete.delay.ms":"2","max.compaction.lag.ms":"8","max.message.bytes":"2000000","min.compaction.lag.ms":"9","message.timestamp.type":"LogAppendTime","local.retention.bytes":"6","preallocate":"true","index.interval.bytes":"5","min.cleanable.dirty.ratio":"0.1","unclean.leader.election.enable":"true","delete.retention.ms":"1","retention.bytes":"-1","segment.ms":"100000","segment.index.bytes":"10"}}',
    );
    // Jackson's escaping.
    expect(s(encodeEntityConfig([['x"y', 'quo"te\\back\u00e9\u0001/']]))).toBe('{"version":1,"config":{"x\\"y":"quo\\"te\\\\backé\\u0001/"}}');
  });

  it('config change notification v2, reassignment, preferred election, producer id block', () => {
    expect(s(encodeConfigChangeNotification('topics/t1'))).toBe('{"version":2,"entity_path":"topics/t1"}');
    expect(
      s(encodeReassignment([
        { topic: 't', partition: 0, replicas: [1, 2] },
        { topic: 't', partition: 1, replicas: [2, 3] },
      ])),
    ).toBe('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]},{"topic":"t","partition":1,"replicas":[2,3]}]}');
    expect(s(encodePreferredReplicaElection([{ topic: 't', partition: 0 }]))).toBe('{"version":1,"partitions":[{"topic":"t","partition":0}]}');
    expect(s(encodeProducerIdBlock({ brokerId: 1, blockStart: 0, blockEnd: 999 }))).toBe('{"version":1,"broker":1,"block_start":"0","block_end":"999"}');
    expect(s(encodeProducerIdBlock({ brokerId: 2, blockStart: 1000, blockEnd: 1999 }))).toBe('{"version":1,"broker":2,"block_start":"1000","block_end":"1999"}');
  });

  it('jsonString escapes like Jackson', () => {
    expect(jsonString('a\tb\nc\u001bd/e\u00e9')).toBe('"a\\tb\\nc\\u001Bd/e\u00e9"');
  });

  it('hash order helpers are stable for small inputs', () => {
    expect(scalaMutableHashMapOrder(['2', '0', '1'])).toEqual(['0', '1', '2']);
    expect(javaPropertiesOrder(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });
});

describe('decoders', () => {
  it('round-trip every encoder', () => {
    const eps = [
      { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'INTERNAL', host: '::1', port: 9093, securityProtocol: 'PLAINTEXT' },
    ];
    const reg = decodeBrokerRegistration(3, encodeBrokerRegistration({ endpoints: eps, rack: 'r1', timestampMs: 42 }));
    expect(reg.info).toEqual({ id: 3, rack: 'r1', endpoints: eps });
    expect(reg).toMatchObject({ version: 5, jmxPort: -1, timestamp: 42, features: {} });
    expect(decodeController(encodeController(2, 5))).toEqual({ brokerId: 2, kraftControllerEpoch: -1, timestamp: 5 });
    expect(decodeControllerEpoch(encodeControllerEpoch(17))).toBe(17);
    expect(decodeClusterId(encodeClusterId('xyz'))).toBe('xyz');
    const a = decodeTopicAssignment('t', '{"partitions":{"0":[1,2,3],"1":[1,2],"2":[1,2]},"topic_id":"q9Y8Dk3-SLmVqS0RoLZ1Hg","adding_replicas":{"0":[3]},"removing_replicas":{"0":[4]},"version":3}');
    expect(a.topicId).toBe(TOPIC_ID);
    expect([...a.partitions.entries()].sort()).toEqual([[0, [1, 2, 3]], [1, [1, 2]], [2, [1, 2]]]);
    expect([...a.addingReplicas.entries()]).toEqual([[0, [3]]]);
    expect([...a.removingReplicas.entries()]).toEqual([[0, [4]]]);
    expect(decodePartitionState('p', '{"controller_epoch":7,"leader":1,"version":1,"leader_recovery_state":1,"leader_epoch":3,"isr":[1]}')).toEqual({
      leader: 1, leaderEpoch: 3, isr: [1], controllerEpoch: 7, leaderRecoveryState: 1,
    });
    expect(decodeEntityConfig('c', '{"version":1,"config":{"cleanup.policy":"compact","retention.ms":"1000","segment.bytes":"1048576"}}')).toEqual({
      'retention.ms': '1000', 'cleanup.policy': 'compact', 'segment.bytes': '1048576',
    });
    expect(decodeEntityConfig('c', Buffer.alloc(0))).toEqual({});
    expect(decodeConfigChangeNotification('n', '{"version":2,"entity_path":"topics/t1"}')).toBe('topics/t1');
    expect(decodeConfigChangeNotification('n', '{"version":1,"entity_type":"brokers","entity_name":"1"}')).toBe('brokers/1');
    expect(decodeReassignment('{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]},{"topic":"t","partition":1,"replicas":[2,3]}]}')).toEqual([
      { topic: 't', partition: 0, replicas: [1, 2] },
      { topic: 't', partition: 1, replicas: [2, 3] },
    ]);
    expect(decodePreferredReplicaElection('{"version":1,"partitions":[{"topic":"t","partition":0}]}')).toEqual([{ topic: 't', partition: 0 }]);
    expect(decodeProducerIdBlock('{"version":1,"broker":2,"block_start":"1000","block_end":"1999"}')).toEqual({ brokerId: 2, blockStart: 1000, blockEnd: 1999 });
  });

  it('reads older formats Kafka still reads', () => {
    // v4 registration with rack, no features; a pre-2.8 topic without topic_id.
    const v4 = '{"listener_security_protocol_map":{"CLIENT":"PLAINTEXT","REPL":"SSL"},"endpoints":["CLIENT://h:1","REPL://h:2"],"rack":"a","jmx_port":9999,"host":"h","timestamp":"1","port":1,"version":4}';
    expect(decodeBrokerRegistration(1, v4).info).toEqual({
      id: 1,
      rack: 'a',
      endpoints: [
        { name: 'CLIENT', host: 'h', port: 1, securityProtocol: 'PLAINTEXT' },
        { name: 'REPL', host: 'h', port: 2, securityProtocol: 'SSL' },
      ],
    });
    const v1 = decodeTopicAssignment('t', '{"version":1,"partitions":{"0":[1]}}');
    expect(v1.topicId).toBeNull();
    expect(v1.partitions.get(0)).toEqual([1]);
  });

  it('malformed znodes give ZkDataError, never a crash', () => {
    const bad: [string, () => unknown][] = [
      ['not json', () => decodeBrokerRegistration(1, 'nope')],
      ['array', () => decodeController('[1]')],
      ['null data', () => decodeClusterId(null)],
      ['missing brokerid', () => decodeController('{"version":2}')],
      ['string leader', () => decodePartitionState('p', '{"leader":"1","leader_epoch":0,"isr":[1],"controller_epoch":1}')],
      ['isr with strings', () => decodePartitionState('p', '{"leader":1,"leader_epoch":0,"isr":["x"],"controller_epoch":1}')],
      ['bad partition key', () => decodeTopicAssignment('t', '{"version":3,"partitions":{"x":[1]}}')],
      ['bad topic id', () => decodeTopicAssignment('t', '{"version":3,"topic_id":"short","partitions":{}}')],
      ['bad endpoint', () => decodeBrokerRegistration(1, '{"version":5,"endpoints":["nonsense"],"jmx_port":-1}')],
      ['unknown listener', () => decodeBrokerRegistration(1, '{"version":5,"endpoints":["X://h:1"],"listener_security_protocol_map":{}}')],
      ['config value not string', () => decodeEntityConfig('c', '{"version":1,"config":{"a":1}}')],
      ['notification version', () => decodeConfigChangeNotification('n', '{"version":9}')],
      ['reassignment entry', () => decodeReassignment('{"version":1,"partitions":[{"topic":1}]}')],
      ['pid block', () => decodeProducerIdBlock('{"version":1,"broker":1,"block_start":"x","block_end":"9"}')],
      ['epoch', () => decodeControllerEpoch(Buffer.from('abc'))],
    ];
    for (const [name, fn] of bad) {
      expect(fn, name).toThrow(ZkDataError);
    }
    try {
      decodeController('{"version":2}');
    } catch (e) {
      expect((e as Error).message).toBe('malformed /controller: "brokerid" missing (content: {"version":2})');
    }
  });
});
