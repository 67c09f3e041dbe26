// Where things are: the repository, the install cache (test/setup/install.sh), the test target.
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = process.env.GREGOR_CACHE || join(homedir(), '.cache', 'gregor');
export const JAVA_LIB_DIR = join(CACHE_DIR, 'java', 'lib');
export const JAVA_CLASSPATH = join(JAVA_LIB_DIR, '*');
export const VENV_PYTHON = join(CACHE_DIR, 'venv', 'bin', 'python');
export const SETUP_DIR = join(REPO_ROOT, 'test', 'setup');
export const PY_DIR = join(REPO_ROOT, 'test', 'helpers', 'py');
/** The Gregor broker entry point (GREGOR_BROKER_MAIN overrides, e.g. for a build elsewhere). */
export const BROKER_MAIN = process.env.GREGOR_BROKER_MAIN || join(REPO_ROOT, 'broker', 'dist', 'gregor-broker.cjs');
/** Broker logs of every test run land here (kept after the run for diagnosis; .ci/run prints tails on failure). */
export const TEST_LOG_DIR = process.env.GREGOR_TEST_LOG_DIR || join(tmpdir(), 'gregor-test-logs');

export type Target = 'gregor' | 'kafka';
/** GREGOR_TEST_TARGET=kafka runs the suites against Apache Kafka 3.9 (KRaft, single node) instead of Gregor. */
export const TARGET: Target = process.env.GREGOR_TEST_TARGET === 'kafka' ? 'kafka' : 'gregor';

export function requireJavaLibs(): void {
  if (!existsSync(JAVA_LIB_DIR)) {
    throw new Error(`Kafka jars missing in ${JAVA_LIB_DIR}: run test/setup/install.sh`);
  }
}
