// Package vaulttest helps tests prove that no plaintext reaches disk: it
// looks for canary strings, in every form a careless write could give them,
// in every file under a folder.
package vaulttest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// Forms returns the ways s could end up on disk if something wrote it
// unencrypted: as is, in other cases, UTF-16, hex, and base64 (standard and
// URL-safe) at every alignment inside a longer value.
func Forms(s string) map[string][]byte {
	forms := map[string][]byte{
		"plain": []byte(s),
		"lower": []byte(strings.ToLower(s)),
		"upper": []byte(strings.ToUpper(s)),
		"hex":   []byte(hex.EncodeToString([]byte(s))),
		"HEX":   []byte(strings.ToUpper(hex.EncodeToString([]byte(s)))),
	}
	var u16 []byte
	for _, r := range utf16.Encode([]rune(s)) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	forms["utf16"] = u16
	for pad := range 3 {
		prefixed := append(bytes.Repeat([]byte{'.'}, pad), s...)
		for name, enc := range map[string]*base64.Encoding{"b64": base64.StdEncoding, "b64url": base64.URLEncoding} {
			e := enc.EncodeToString(prefixed)
			// Drop the characters that depend on what comes before and
			// after the canary.
			skip := (pad*4 + 2) / 3
			forms[name+string(rune('0'+pad))] = []byte(e[skip : len(e)-4])
		}
	}
	return forms
}

// Find returns a line for every form of every canary found in any file
// under the given folders, and how many files it read. Paths for which
// skip returns true are not read.
func Find(dirs []string, canaries []string, skip func(path string) bool) (hits []string, files int, err error) {
	for _, dir := range dirs {
		err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || (skip != nil && skip(path)) {
				return err
			}
			files++
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, c := range canaries {
				for form, b := range Forms(c) {
					if bytes.Contains(raw, b) {
						hits = append(hits, path+": "+c+" ("+form+")")
					}
				}
			}
			return nil
		})
		if err != nil {
			return hits, files, err
		}
	}
	return hits, files, nil
}

// TB is the part of testing.TB that Check needs.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Check fails t for every canary found under dirs, and if there was no file
// to look in (a scan of nothing proves nothing).
func Check(t TB, dirs []string, canaries []string, skip func(string) bool) {
	t.Helper()
	hits, files, err := Find(dirs, canaries, skip)
	if err != nil {
		t.Fatalf("scan for canaries: %v", err)
	}
	if files == 0 {
		t.Fatalf("no files under %v to scan for canaries", dirs)
	}
	for _, h := range hits {
		t.Errorf("plaintext at rest: %s", h)
	}
}
