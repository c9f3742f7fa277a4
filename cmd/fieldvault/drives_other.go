//go:build !windows

package main

// windowsDrives is for Windows only.
func windowsDrives() []string { return nil }
