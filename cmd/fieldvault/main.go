// Command fieldvault records what a survivor of human trafficking needs in the
// first hours after a rescue, with their consent, encrypted on the laptop, and
// carries it to partner organizations in sealed bundles.
//
// This package holds only the command line: flags, prompts and output. The
// work is done by packages vault, schema, intake and sync.
package main

import "os"

func main() {
	io := newIO()
	io.getenv = takeSecrets(io.getenv)
	os.Exit(run(os.Args[1:], io))
}
