// The operator is built in its own issue; until then this entry point only says so.
process.stderr.write('gregor-operator: not implemented yet (see the operator issue)\n');
process.exitCode = 1;
