package vault

import (
	"fmt"
	"runtime/debug"
)

// errDamaged wraps what bbolt reports by panicking: bbolt trusts its file
// and asserts on a damaged page instead of returning an error. A seized or
// failing laptop may well hold a damaged file, and fieldvault must then say
// so in one sentence, not crash with a stack trace.
func errDamaged(r any) error {
	return fmt.Errorf("%w (the database itself: %v)", ErrCorrupt, r)
}

// guard runs fn, turning a panic inside bbolt, or a fault reading its
// memory-mapped file, into ErrCorrupt.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = errDamaged(r)
		}
	}()
	return fn()
}
