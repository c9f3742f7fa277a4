package sync

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	gosync "sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/fieldvault/fieldvault/vault"
)

// baseline writes the same record JSON as a bundle holds with plain tar and
// age, fsynced, as the yardstick for export and import.
func baseline(b *testing.B, v *vault.Vault, ids []string, rcpt age.Recipient, id age.Identity) (write, read time.Duration) {
	var plain [][]byte
	if err := v.ReadRecords(ids, func(_ string, raw []byte) error {
		plain = append(plain, append([]byte(nil), raw...))
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "baseline.age")
	start := time.Now()
	f, _ := os.Create(path)
	w, _ := age.Encrypt(f, rcpt)
	tw := tar.NewWriter(w)
	for i, p := range plain {
		writeTar(tw, fmt.Sprintf("records/%s.json", ids[i]), p)
	}
	tw.Close()
	w.Close()
	f.Sync()
	f.Close()
	write = time.Since(start)

	start = time.Now()
	f, _ = os.Open(path)
	r, err := age.Decrypt(f, id)
	if err != nil {
		b.Fatal(err)
	}
	tr := tar.NewReader(r)
	for {
		if _, err := tr.Next(); err != nil {
			break
		}
		io.Copy(io.Discard, tr)
	}
	f.Close()
	return write, time.Since(start)
}

// BenchmarkExportImport10k exports 10,000 records and imports them into a
// fresh partner vault, against tar + age of the same JSON measured in the
// same run. Budgets: export at most 3x, import at most 4x.
func BenchmarkExportImport10k(b *testing.B) {
	const n = 10_000
	p := newPair(b)
	ids := intakes(b, p.field, n, "Partner NGO")
	c, _ := p.field.Contact("Partner NGO")
	rcpt, _ := age.ParseHybridRecipient(c.Recipient)
	pid, _ := p.partner.Identity()
	pristine := snapshot(b, p.partner)
	var exp, imp, baseW, baseR time.Duration
	for b.Loop() {
		bw, br := baseline(b, p.field, ids, rcpt, pid)
		baseW += bw
		baseR += br
		start := time.Now()
		res, err := Export(p.field, "Partner NGO", b.TempDir(), ExportOptions{All: true})
		if err != nil {
			b.Fatal(err)
		}
		exp += time.Since(start)

		b.StopTimer()
		partner := freshCopy(b, pristine)
		b.StartTimer()
		start = time.Now()
		r, err := Import(partner, res.Path, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		imp += time.Since(start)
		if r.Added != n {
			b.Fatalf("imported %d records", r.Added)
		}
		partner.Close()
	}
	iters := float64(b.N)
	b.ReportMetric(exp.Seconds()/iters*1000, "export-ms")
	b.ReportMetric(imp.Seconds()/iters*1000, "import-ms")
	b.ReportMetric(baseW.Seconds()/iters*1000, "tar+age-write-ms")
	b.ReportMetric(baseR.Seconds()/iters*1000, "tar+age-read-ms")
	b.ReportMetric(exp.Seconds()/baseW.Seconds(), "export/baseline")
	b.ReportMetric(imp.Seconds()/baseW.Seconds(), "import/baseline")
}

// peakHeap runs fn and returns the most heap memory in use while it ran
// (HeapInuse: live data, garbage not yet collected, and fragmentation).
// It starts from what a fresh fieldvault process would hold: two
// collections empty the sync.Pools, where bbolt keeps the page buffers of
// its last large commit (the setup's bulk intake leaves 70 MiB there,
// which no export or import allocated).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	runtime.GC()
	var peak uint64
	var mu gosync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak
}

// BenchmarkMemory100k exports and imports 100,000 records and reports the
// peak heap of each. Budget: under 64 MiB: bundles are streamed, never held
// in memory.
func BenchmarkMemory100k(b *testing.B) {
	const n = 100_000
	p := newPair(b)
	for range n / 10_000 {
		intakes(b, p.field, 10_000, "Partner NGO")
	}
	pristine := snapshot(b, p.partner)
	for b.Loop() {
		var res *ExportResult
		expPeak := peakHeap(func() {
			var err error
			if res, err = Export(p.field, "Partner NGO", b.TempDir(), ExportOptions{All: true}); err != nil {
				b.Fatal(err)
			}
		})
		b.StopTimer()
		partner := freshCopy(b, pristine)
		b.StartTimer()
		impPeak := peakHeap(func() {
			r, err := Import(partner, res.Path, b.TempDir())
			if err != nil || r.Added != n {
				b.Fatalf("import: %v", err)
			}
		})
		partner.Close()
		b.ReportMetric(float64(expPeak)/(1<<20), "export-peak-MiB")
		b.ReportMetric(float64(impPeak)/(1<<20), "import-peak-MiB")
	}
}

// snapshot copies a vault's file, so each run can import into the same
// partner vault as it was before any import.
func snapshot(b *testing.B, v *vault.Vault) string {
	path := filepath.Join(b.TempDir(), "pristine.db")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := v.Copy(f); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

func freshCopy(b *testing.B, pristine string) *vault.Vault {
	data, err := os.ReadFile(pristine)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "partner.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	v, err := vault.Open(path, vault.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := v.Unlock(testPass); err != nil {
		b.Fatal(err)
	}
	return v
}
