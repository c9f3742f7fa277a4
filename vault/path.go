package vault

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultPath returns where the vault lives unless told otherwise: the OS's
// per-user data folder. getenv is os.Getenv outside tests.
func DefaultPath(getenv func(string) string) (string, error) {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("LocalAppData")
		if base == "" {
			return "", errors.New("%LocalAppData% is not set")
		}
	case "darwin":
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("$HOME is not set")
		}
		base = filepath.Join(home, "Library", "Application Support")
	default:
		base = getenv("XDG_DATA_HOME")
		if base == "" || !filepath.IsAbs(base) {
			home := getenv("HOME")
			if home == "" {
				var err error
				if home, err = os.UserHomeDir(); err != nil {
					return "", errors.New("neither $XDG_DATA_HOME nor $HOME is set")
				}
			}
			base = filepath.Join(home, ".local", "share")
		}
	}
	return filepath.Join(base, "fieldvault", "vault.db"), nil
}
