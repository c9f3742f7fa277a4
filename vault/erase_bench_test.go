package vault

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// vault100k makes a closed vault file of 100,000 records, with a duress
// passphrase, at the default work factor, and returns its path.
func vault100k(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "vault.db")
	v, err := Create(path, testPass, CreateOptions{Name: "Field team", Worker: "Sari"})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100_000; i += 10_000 {
		batch := make([]*Record, 10_000)
		for j := range batch {
			batch[j] = &Record{Status: StatusComplete, Schema: SchemaRef{ID: "rescue-needs"}, Triage: "soon", Body: sampleBody}
		}
		if err := v.PutRecords(batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := v.AddDuressPassphrase("Sari", duressPass, DefaultWorkFactor); err != nil {
		b.Fatal(err)
	}
	v.Close()
	return path
}

// copyOpen copies the vault at src to a fresh path, syncs it and opens it.
func copyOpen(b *testing.B, src string) *Vault {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "vault.db")
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	// On disk, as a vault in use is: otherwise the erase's sync would
	// write out the whole copy.
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
	out.Close()
	v, err := Open(dst, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkErase100k wipes a vault of 100,000 records. Budget: under 2 s:
// only the key slots and the free pages are overwritten, never the records.
// It also measures what a duress unlock does beyond opening its key slot
// (make the empty vault, erase, rename), against one scrypt at the default
// work factor: the extra must be lost in scrypt's own noise (budget: under
// a tenth of one scrypt).
func BenchmarkErase100k(b *testing.B) {
	src := vault100k(b)
	var erase, scrypt, extra time.Duration
	for b.Loop() {
		b.StopTimer()
		v := copyOpen(b, src)
		b.StartTimer()
		start := time.Now()
		if err := v.Erase(); err != nil {
			b.Fatal(err)
		}
		erase += time.Since(start)

		b.StopTimer()
		v = copyOpen(b, src)
		var s *secret
		var dc *decoy
		for _, sl := range slotBytes(b, v) {
			start := time.Now()
			got, _, _, d, err := openSlotDecoy(sl, duressPass)
			if err == nil {
				scrypt += time.Since(start)
				s, dc = got, d
			}
		}
		b.StartTimer()
		start = time.Now()
		if err := v.becomeDecoy(s, dc); err != nil {
			b.Fatal(err)
		}
		extra += time.Since(start)
		v.Close()
	}
	n := float64(b.N)
	b.ReportMetric(erase.Seconds()*1000/n, "erase-ms")
	b.ReportMetric(scrypt.Seconds()*1000/n, "scrypt-ms")
	b.ReportMetric(extra.Seconds()*1000/n, "duress-extra-ms")
}
