//go:build !linux

package benchmark

import "syscall"

// dieWithParent asks for nothing special: only Linux can tie a child's
// life to its parent's, so elsewhere a bench killed outright may leave its
// redis-server running.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}
