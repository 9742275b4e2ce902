//go:build unix && !linux

package redistest

import "syscall"

// dieWithParent puts redis-server in its own process group. Only Linux can
// tie a child's life to its parent's; elsewhere a test binary killed
// outright may leave its servers running.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
