package schema

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
)

// DefaultID is the questionnaire used when none is named.
const DefaultID = "rescue-needs"

//go:embed questionnaires/*.json
var builtinFS embed.FS

// ErrUnknown is returned for a questionnaire ID that is not built in.
var ErrUnknown = errors.New("no such questionnaire")

var builtin = sync.OnceValues(func() ([]*Schema, error) {
	entries, err := builtinFS.ReadDir("questionnaires")
	if err != nil {
		return nil, err
	}
	var out []*Schema
	for _, e := range entries {
		data, err := builtinFS.ReadFile(path.Join("questionnaires", e.Name()))
		if err != nil {
			return nil, err
		}
		s, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("built-in questionnaire %s: %w", e.Name(), err)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
})

// FollowUpID is the built-in questionnaire of a later contact with a person
// already interviewed. It is asked by 'fieldvault followup', linked to the
// first record, never as a new intake.
const FollowUpID = "follow-up"

// Builtin returns the questionnaires that ship with fieldvault for a new
// intake: all but the follow-up.
func Builtin() ([]*Schema, error) {
	all, err := builtin()
	var out []*Schema
	for _, s := range all {
		if s.ID != FollowUpID {
			out = append(out, s)
		}
	}
	return out, err
}

// Lookup returns the built-in questionnaire with the given ID.
func Lookup(id string) (*Schema, error) {
	all, err := builtin()
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknown, id)
}

// Load reads and validates a questionnaire file.
func Load(file string) (*Schema, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Resolve takes what a person typed after --schema: a built-in ID, or the
// path of a questionnaire file.
func Resolve(idOrFile string) (*Schema, error) {
	if idOrFile == "" {
		return Lookup(DefaultID)
	}
	if IsFile(idOrFile) {
		return Load(idOrFile)
	}
	return Lookup(idOrFile)
}

// IsFile reports whether what was typed after --schema names a file rather
// than a questionnaire's ID.
func IsFile(idOrFile string) bool {
	return strings.ContainsAny(idOrFile, `/\`) || strings.HasSuffix(idOrFile, ".json")
}
