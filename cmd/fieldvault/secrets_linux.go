package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// noCoreDumps sets the core file limit to zero and marks the process not
// dumpable, which also hides its memory and environment from other users'
// processes.
func noCoreDumps() {
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}

// scrubEnviron overwrites the named variables in the environment block the
// kernel gave the process, which /proc/PID/environ reads: unsetting a
// variable only changes Go's copy of it.
func scrubEnviron(names []string) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return
	}
	// The fields after the command name, which may hold spaces; env_start
	// and env_end are fields 50 and 51 (proc(5)).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 49 {
		return
	}
	start, err1 := strconv.ParseInt(fields[47], 10, 64)
	end, err2 := strconv.ParseInt(fields[48], 10, 64)
	if err1 != nil || err2 != nil || end <= start || end-start > 1<<20 {
		return
	}
	mem, err := os.OpenFile("/proc/self/mem", os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer mem.Close()
	env := make([]byte, end-start)
	if _, err := mem.ReadAt(env, start); err != nil {
		return
	}
	changed := false
	for off := 0; off < len(env); {
		n := bytes.IndexByte(env[off:], 0)
		if n < 0 {
			n = len(env) - off
		}
		entry := env[off : off+n]
		for _, name := range names {
			if bytes.HasPrefix(entry, []byte(name+"=")) {
				clear(entry)
				changed = true
			}
		}
		off += n + 1
	}
	if changed {
		mem.WriteAt(env, start)
	}
	clear(env)
}
