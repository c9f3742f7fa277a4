package vault

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// A fast reader for the two small JSON shapes read by the thousand: record
// summaries (listing, export) and the heads of received records (import).
// It reads only what encoding/json writes for them — no spaces, strings
// without escapes, plain integers, lists of strings — and gives up on
// anything else, which encoding/json then decodes. The test checks both
// ways agree on every shape.

type scanner struct {
	b []byte
	p int
}

func (s *scanner) lit(c byte) bool {
	if s.p < len(s.b) && s.b[s.p] == c {
		s.p++
		return true
	}
	return false
}

// str reads a string without escapes.
func (s *scanner) str() (string, bool) {
	if !s.lit('"') {
		return "", false
	}
	i := bytes.IndexByte(s.b[s.p:], '"')
	if i < 0 {
		return "", false
	}
	v := s.b[s.p : s.p+i]
	for _, c := range v {
		if c == '\\' || c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(v) {
		return "", false
	}
	s.p += i + 1
	return string(v), true
}

// int reads a non-negative integer of up to 18 digits.
func (s *scanner) int() (int64, bool) {
	start := s.p
	var n int64
	for s.p < len(s.b) && s.b[s.p] >= '0' && s.b[s.p] <= '9' && s.p-start < 18 {
		n = n*10 + int64(s.b[s.p]-'0')
		s.p++
	}
	if s.p == start || s.b[start] == '0' && s.p-start > 1 {
		return 0, false
	}
	return n, true
}

func (s *scanner) strs() ([]string, bool) {
	if !s.lit('[') {
		return nil, false
	}
	out := []string{}
	if s.lit(']') {
		return out, true
	}
	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if s.lit(']') {
			return out, true
		}
		if !s.lit(',') {
			return nil, false
		}
	}
}

// object reads {"key":value,...}: field reads the value of each key, and
// returns false for a key it does not know. A key equal to stop (if not
// empty) ends the object early, before its value: it ends what is wanted.
func (s *scanner) object(field func(key string) bool, stop string) bool {
	return s.rawObject(func(key []byte) bool {
		return utf8.Valid(key) && field(string(key))
	}, stop)
}

// fastSummary decodes a summary as sealSummary's json.Marshal wrote it.
func fastSummary(b []byte, out *Summary) bool {
	s := scanner{b: b}
	var sum Summary
	ok := s.object(func(key string) bool {
		var ok bool
		switch key {
		case "i":
			sum.ID, ok = s.str()
		case "v":
			var n int64
			n, ok = s.int()
			sum.Version = int(n)
		case "s":
			var st string
			st, ok = s.str()
			sum.Status = Status(st)
		case "c":
			sum.Created, ok = s.str()
		case "t":
			sum.Triage, ok = s.str()
		case "q":
			sum.Schema, ok = s.str()
		case "u":
			sum.Updated, ok = s.int()
		case "f":
			sum.Source, ok = s.str()
		case "h":
			sum.Share, ok = s.strs()
		case "k":
			sum.Form, ok = s.str()
		case "n":
			sum.Born, ok = s.int()
		case "p":
			sum.Follows, ok = s.str()
		}
		return ok
	}, "")
	if !ok || s.p != len(b) {
		return false
	}
	*out = sum
	return true
}

// decodeSummary decodes a summary, quickly when it can.
func decodeSummary(b []byte, out *Summary) error {
	if fastSummary(b, out) {
		return nil
	}
	*out = Summary{}
	return json.Unmarshal(b, out)
}

// fastHead reads the fields of a record before its body, as json.Marshal
// writes a Record.
func fastHead(b []byte) (Record, bool) {
	s := scanner{b: b}
	var r Record
	var bodySeen bool
	readTime := func(t *time.Time) bool {
		v, ok := s.str()
		if !ok {
			return false
		}
		var err error
		*t, err = time.Parse(time.RFC3339Nano, v)
		return err == nil
	}
	fields := 0
	ok := s.object(func(key string) bool {
		fields++
		var ok bool
		switch key {
		case "id":
			r.ID, ok = s.str()
		case "version":
			var n int64
			n, ok = s.int()
			r.Version = int(n)
		case "status":
			var st string
			st, ok = s.str()
			r.Status = Status(st)
		case "schema":
			ok = s.object(func(key string) bool {
				var ok bool
				switch key {
				case "id":
					r.Schema.ID, ok = s.str()
				case "version":
					r.Schema.Version, ok = s.str()
				case "hash":
					r.Schema.Hash, ok = s.str()
				}
				return ok
			}, "")
		case "lang":
			r.Lang, ok = s.str()
		case "worker":
			r.Worker, ok = s.str()
		case "created":
			ok = readTime(&r.Created)
		case "updated":
			ok = readTime(&r.Updated)
		case "triage":
			r.Triage, ok = s.str()
		case "source":
			r.Source, ok = s.str()
		case "share":
			r.Share, ok = s.strs()
		case "follows":
			r.Follows, ok = s.str()
		}
		return ok
	}, "body")
	// A body first is not how fieldvault writes a record: the slow path
	// decodes the whole of it.
	bodySeen = ok && s.p < len(b) && fields > 0
	return r, bodySeen
}

// skipStr passes over a string without escapes, making none.
func (s *scanner) skipStr() bool {
	if !s.lit('"') {
		return false
	}
	i := bytes.IndexByte(s.b[s.p:], '"')
	if i < 0 {
		return false
	}
	for _, c := range s.b[s.p : s.p+i] {
		if c == '\\' || c < 0x20 {
			return false
		}
	}
	s.p += i + 1
	return true
}

// rawStr reads a string without escapes and returns its bytes in place.
func (s *scanner) rawStr() ([]byte, bool) {
	start := s.p + 1
	if !s.skipStr() {
		return nil, false
	}
	return s.b[start : s.p-1], true
}

// fastMayLeave reads, from a record's JSON and without making a string,
// whether it states the given ID and version, a finished status, and a
// sharing consent naming key. ok is false for a shape it does not read.
func fastMayLeave(b []byte, id string, version int, key string) (may, ok bool) {
	s := scanner{b: b}
	idOK, versionOK, statusOK, shared := false, false, false, false
	ok = s.rawObject(func(k []byte) bool {
		switch string(k) {
		case "id":
			v, ok := s.rawStr()
			idOK = ok && string(v) == id
			return ok
		case "version":
			n, ok := s.int()
			versionOK = ok && n == int64(version)
			return ok
		case "status":
			v, ok := s.rawStr()
			statusOK = ok && (string(v) == string(StatusComplete) || string(v) == string(StatusDelivered))
			return ok
		case "share":
			shared = false // a repeated key counts as its last, as encoding/json reads it
			if !s.lit('[') {
				return false
			}
			if s.lit(']') {
				return true
			}
			for {
				v, ok := s.rawStr()
				if !ok {
					return false
				}
				shared = shared || string(v) == key
				if s.lit(']') {
					return true
				}
				if !s.lit(',') {
					return false
				}
			}
		case "schema":
			return s.rawObject(func([]byte) bool { return s.skipStr() }, "")
		case "lang", "worker", "created", "updated", "triage", "source":
			return s.skipStr()
		}
		return false
	}, "body")
	return ok && idOK && versionOK && statusOK && shared, ok
}

// rawObject is object with each key handed over in place, not as a string.
func (s *scanner) rawObject(field func(key []byte) bool, stop string) bool {
	if !s.lit('{') {
		return false
	}
	if s.lit('}') {
		return true
	}
	for {
		key, ok := s.rawStr()
		if !ok || !s.lit(':') {
			return false
		}
		if stop != "" && string(key) == stop {
			return true
		}
		if !field(key) {
			return false
		}
		if s.lit('}') {
			return true
		}
		if !s.lit(',') {
			return false
		}
	}
}
