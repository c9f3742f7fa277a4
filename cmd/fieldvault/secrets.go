package main

import (
	"os"
)

// secretVars hold passphrases. They are taken out of the environment when
// fieldvault starts: a child process (the clipboard helper Ctrl+V runs)
// would inherit them, and on Linux /proc/PID/environ shows them to anyone
// who may inspect the process.
var secretVars = []string{"FIELDVAULT_PASSPHRASE", "FIELDVAULT_NEW_PASSPHRASE"}

// takeSecrets removes the passphrase variables from the environment and
// returns a getenv that still finds them. It also stops the process from
// dumping core, where the system allows: a core file would hold keys.
func takeSecrets(getenv func(string) string) func(string) string {
	kept := map[string]string{}
	for _, name := range secretVars {
		if v, ok := os.LookupEnv(name); ok {
			kept[name] = v
			os.Unsetenv(name)
		}
	}
	// Scrub first: once the process is not dumpable, /proc/self/mem
	// belongs to root and an ordinary user's process cannot open it.
	scrubEnviron(secretVars)
	noCoreDumps()
	return func(name string) string {
		if v, ok := kept[name]; ok {
			return v
		}
		return getenv(name)
	}
}
