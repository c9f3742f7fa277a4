//go:build !windows

package session

// windowsDrives is for Windows only.
func windowsDrives() []string { return nil }
