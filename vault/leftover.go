package vault

import "os"

// openLeftover opens a file a killed Create or Compact left beside the
// vault, for wiping: only a regular file of this user, never through a
// symbolic link, so a file planted under a leftover's name cannot make
// fieldvault overwrite something else.
func openLeftover(path string) (*os.File, bool) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || !ownedByMe(fi) {
		return nil, false
	}
	f, err := os.OpenFile(path, os.O_RDWR|oNoFollow, 0)
	if err != nil {
		return nil, false
	}
	// The same file that was looked at, not one swapped in since.
	if got, err := f.Stat(); err != nil || !os.SameFile(fi, got) {
		f.Close()
		return nil, false
	}
	return f, true
}
