package benchmark

import "syscall"

// dieWithParent puts redis-server in its own process group (a Ctrl-C
// meant for the bench does not reach it before the bench stops it) and
// has the kernel kill it when the bench dies, even by SIGKILL, so that no
// server outlives a run. Go threads do not exit while the program runs,
// so the "parent thread" of Pdeathsig lives as long as the bench.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
