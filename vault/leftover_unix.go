//go:build unix

package vault

import (
	"os"
	"syscall"
)

const oNoFollow = syscall.O_NOFOLLOW

func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
