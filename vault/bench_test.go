package vault

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// sampleBody is about the size of a completed rescue-needs intake.
var sampleBody = func() json.RawMessage {
	answers := map[string]any{}
	for i := range 40 {
		answers[fmt.Sprintf("section.question_%02d", i)] = "an answer of a typical length, in plain words"
	}
	b, _ := json.Marshal(map[string]any{"answers": answers})
	return b
}()

// BenchmarkPutRecord stores one record per durable (fsynced) commit, as the
// interactive intake does after every page. Budget: median under 5 ms.
func BenchmarkPutRecord(b *testing.B) {
	v := newTestVault(b)
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := v.PutRecord(&Record{Status: StatusComplete, Triage: "today", Body: sampleBody}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
}

// BenchmarkList100k reads the summaries of 100,000 records, as `list` does.
// Budget: under 1 s.
func BenchmarkList100k(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "vault.db")
	v, err := Create(path, testPass, CreateOptions{WorkFactor: testWorkFactor})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for i := 0; i < n; i += 10_000 {
		batch := make([]*Record, 10_000)
		for j := range batch {
			batch[j] = &Record{Status: StatusComplete, Schema: SchemaRef{ID: "rescue-needs"}, Triage: "soon", Body: sampleBody}
		}
		if err := v.PutRecords(batch); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		sums, err := v.Summaries()
		if err != nil {
			b.Fatal(err)
		}
		if len(sums) != n {
			b.Fatalf("listed %d records, want %d", len(sums), n)
		}
	}
}

// BenchmarkRekey10k removes a passphrase from a vault of 10,000 records,
// which changes the master key: every record re-encrypted, every value
// resealed, the file rewritten and the old one wiped. Budget: under 5 s.
func BenchmarkRekey10k(b *testing.B) {
	const n = 10_000
	v := newTestVault(b)
	batch := make([]*Record, n)
	for j := range batch {
		batch[j] = &Record{Status: StatusComplete, Schema: SchemaRef{ID: "rescue-needs"}, Triage: "soon", Body: sampleBody}
	}
	if err := v.PutRecords(batch); err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := v.AddPassphrase("Budi", []byte("budi's own passphrase"), testWorkFactor); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := v.RemovePassphrase("Budi")
		took += time.Since(start)
		if err != nil || res.Records != n {
			b.Fatalf("rekey: %+v, %v", res, err)
		}
	}
	b.ReportMetric(took.Seconds()*1000/float64(b.N), "rekey-ms")
}
