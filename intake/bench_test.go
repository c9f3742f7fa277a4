package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fieldvault/fieldvault/vault"
)

// bulkFile returns n intakes as JSON Lines, each a full adult interview.
func bulkFile(tb testing.TB, n int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	for i := range n {
		answers := map[string]any{
			"consent.interview": true, "consent.given_by": "self", "person.minor": false,
			"consent.store": true, "consent.share": []string{}, "consent.referral": []string{"shelter", "health"},
			"consent.followup": i%2 == 0, "person.name": fmt.Sprintf("Person %d", i),
			"person.age_range": "18_20", "safety.danger_now": i%10 == 0, "shelter.needed_tonight": true,
			"food.needed_now": true, "medical.injured": false, "priority.own_words": "a safe place to sleep and something to eat",
		}
		line, err := json.Marshal(AnswerSet{Schema: "rescue-needs", Lang: "en", Answers: answers})
		if err != nil {
			tb.Fatal(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// BenchmarkBulkIntake10k stores a JSON Lines file of 10,000 intakes after
// one unlock, as `fieldvault intake --answers` does. Budget: under 10 s.
func BenchmarkBulkIntake10k(b *testing.B) {
	data := bulkFile(b, 10_000)
	for b.Loop() {
		b.StopTimer()
		v, err := vault.Create(filepath.Join(b.TempDir(), "vault.db"), []byte("correct horse battery"), vault.CreateOptions{WorkFactor: 10})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := Bulk(v, bytes.NewReader(data), BulkOptions{Lang: "en"})
		if err != nil {
			b.Fatal(err)
		}
		if res.Stored != 10_000 {
			b.Fatalf("stored %d intakes", res.Stored)
		}
		v.Close()
	}
}
