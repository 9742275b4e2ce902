// Package local holds the fault tests of the production topology, run
// with real processes: deploy/local/up.sh brings up Redis (one server, or
// a 3-master Redis Cluster), two gateways on 127.0.0.1:18081 and
// 127.0.0.1:18082 and one courier host process per simulated courier in a
// temporary directory; the tests kill, stop and restart those processes
// (kill -9, deploy/local/down.sh and start.sh) and check from outside —
// through the gateways' HTTP API, the trackgate binary, Redis itself, the
// outbox files and the logs — that nothing accepted is lost and that no
// tracking number or phone digit is kept anywhere. It has no code of its
// own besides these tests.
//
// One topology is shared by the checks of a test function, which run in
// order as subtests: starting one takes seconds. The tests always start
// their own redis-server processes, whatever TRACKGATE_TEST_REDIS_URL
// says, because they stop and restart them. They need bash, go,
// redis-server and redis-cli (the Debian package redis-server) and fail,
// naming what is missing, without them. The gateways' fixed ports make
// the two test functions run one after the other.
package local
