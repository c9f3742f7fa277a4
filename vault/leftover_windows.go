package vault

import "os"

// openLeftover opens a file a killed Create or Compact left beside the
// vault, for wiping: only a regular file, not a link to something else.
func openLeftover(path string) (*os.File, bool) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, false
	}
	if got, err := f.Stat(); err != nil || !os.SameFile(fi, got) {
		f.Close()
		return nil, false
	}
	return f, true
}
