//go:build !linux

package main

// noCoreDumps: other systems have no portable way; Windows writes no core
// files by default, and macOS only when enabled.
func noCoreDumps() {}

// scrubEnviron: elsewhere no other process reads the environment block
// back once the variable is unset.
func scrubEnviron([]string) {}
