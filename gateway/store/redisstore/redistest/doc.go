// Package redistest gives tests a real Redis: a single server or a
// 3-master Redis Cluster, either named by the environment or started as
// redis-server processes on free loopback ports and removed afterwards.
//
//   - TRACKGATE_TEST_REDIS_URL (redis://host:port/db) names a single server
//     to use instead of starting one;
//   - TRACKGATE_TEST_REDIS_CLUSTER (comma-separated host:port) names a
//     cluster to use instead of starting three nodes.
//
// A named server may be shared with other tests and other runs, so nothing
// here flushes it: every test takes a fresh key prefix (Prefix) and its
// keys are deleted when it ends. Started processes are stopped when the
// test ends and are killed by the kernel if the test binary dies first.
//
// When redis-server (or redis-cli, for a cluster) is missing, the test
// fails with a sentence naming the Debian package and `make tools`: these
// tests are never skipped.
package redistest
