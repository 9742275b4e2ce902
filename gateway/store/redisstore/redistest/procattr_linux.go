package redistest

import "syscall"

// dieWithParent puts redis-server in its own process group (a Ctrl-C meant
// for the test does not reach it first) and has the kernel kill it when
// the test binary dies, even by SIGKILL, so that no stray server outlives
// a run. Go threads do not exit while the program runs, so the "parent
// thread" of Pdeathsig lives as long as the test binary.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
