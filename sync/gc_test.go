package sync

import (
	"runtime/debug"
	"testing"
)

// The bundle pace applies while any bundle is in hand and the process's
// own settings come back after the last; a lower memory limit someone set
// is left alone.
func TestCollectLess(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 40))
	outer := collectLess()
	inner := collectLess()
	if p := debug.SetGCPercent(-2); p != bundleGCPercent {
		t.Fatalf("GC percent during a bundle: %d", p)
	}
	debug.SetGCPercent(bundleGCPercent)
	inner()
	if l := debug.SetMemoryLimit(-1); l != bundleMemoryLimit {
		t.Fatalf("the inner bundle's end put the limit back while the outer ran: %d", l)
	}
	outer()
	if p, l := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); p != 100 || l != 1<<40 {
		t.Fatalf("after the bundles: GC percent %d, limit %d", p, l)
	}
	debug.SetMemoryLimit(32 << 20)
	collectLess()()
	if p, l := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); p != 100 || l != 32<<20 {
		t.Fatalf("with a lower limit set: GC percent %d, limit %d", p, l)
	}
}
