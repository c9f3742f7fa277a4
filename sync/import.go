package sync

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/intake/services"
	"github.com/fieldvault/fieldvault/sync/referral"
	"github.com/fieldvault/fieldvault/vault"
)

// maxRecord bounds one record in a bundle.
const maxRecord = 16 << 20

// Kinds of sealed file.
const (
	KindBundle  = "bundle"
	KindReceipt = "receipt"
)

// Checked is a bundle or receipt that passed every check.
type Checked struct {
	Kind     string
	Sender   vault.Contact
	Card     Card
	Manifest *Manifest // for a bundle
	Receipt  *Receipt  // for a receipt
	// Seen is true if this vault already imported it.
	Seen bool
	// Gap is how many bundles from this sender seem to be missing before
	// this one (a lost USB stick).
	Gap int64
	// Referrals are the referral threads a bundle carries, checked.
	Referrals []*referral.Thread
	refs      []byte
	// Directory is the sender's service directory, if the bundle carries
	// it, checked.
	Directory *services.Directory
	dir       []byte
	cases     []referral.Signed
}

// Verify checks a bundle or receipt completely without changing the vault:
// it decrypts it with this vault's identity, reads every byte, checks every
// record's hash against the manifest, the signature, that the sender is a
// known contact and that the file is addressed to this vault.
func Verify(v *vault.Vault, path string) (*Checked, error) {
	return verify(v, path, nil, nil)
}

// verify is Verify, handing a bundle's records and questionnaires to st
// as they are read, if st is not nil, and the file's bytes to keep, if not
// nil: a private copy that a second reading can trust to be what was
// checked.
func verify(v *vault.Vault, path string, st *stager, keep io.Writer) (*Checked, error) {
	id, err := v.Identity()
	if err != nil {
		return nil, err
	}
	own, err := v.Recipient()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // names the path already
	}
	defer f.Close()
	var r io.Reader = f
	if keep != nil {
		r = io.TeeReader(f, keep)
	}
	ck, err := check(r, id, own, v.Contacts, st)
	if err != nil {
		return nil, err
	}
	if ck.refs != nil {
		key, err := v.SigningKey()
		if err != nil {
			return nil, err
		}
		if ck.Referrals, err = checkThreads(ck.refs, ck.Card.SigningKey, key, ck.Sender.Name); err != nil {
			return nil, err
		}
		ck.refs = nil
	}
	imports, err := v.Imports()
	if err != nil {
		return nil, err
	}
	var last int64
	for _, im := range imports {
		if ck.Manifest != nil && im.Bundle == ck.Manifest.Bundle || ck.Receipt != nil && im.Bundle == ck.Receipt.Receipt {
			ck.Seen = true
		}
		if im.Kind == KindBundle && im.Contact == ck.Sender.ID {
			last = max(last, im.Seq)
		}
	}
	if ck.Manifest != nil && !ck.Seen && ck.Manifest.Seq > last+1 {
		ck.Gap = ck.Manifest.Seq - last - 1
	}
	return ck, nil
}

// check reads a sealed file from r and verifies it. contacts is consulted
// only after the signature's key is known.
func check(r io.Reader, id age.Identity, ownRecipient string, contacts func() ([]vault.Contact, error), st *stager) (*Checked, error) {
	plain, err := age.Decrypt(bufio.NewReaderSize(r, 1<<16), id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			// A damaged recipient stanza looks the same as one for
			// another vault; say both.
			return nil, reject("not_addressed")
		}
		return nil, reject("not_age")
	}
	return checkPlain(plain, ownRecipient, contacts, st)
}

// checkPlain reads and verifies the decrypted tar stream of a bundle or
// receipt. It must read plain to its end: age authenticates the last chunk
// only then. Records and questionnaires go to st too, if it is not nil.
func checkPlain(plain io.Reader, ownRecipient string, contacts func() ([]vault.Contact, error), st *stager) (*Checked, error) {
	// Record hashes in the order read, kept compact: a bundle may hold
	// 100,000. Sorted by ID at the end to meet the manifest's list.
	var hashes []Entry
	schemas := map[string]bool{}
	var manifest, sig, receipt, rsig, refs, dir, cases []byte
	buf := make([]byte, 32<<10) // reused: io.Copy would allocate one per record
	tr := tar.NewReader(plain)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, reject("damaged", cleanAgeErr(err))
		}
		name := hdr.Name
		if hdr.Typeflag == tar.TypeDir && (name == "records/" || name == "schemas/") {
			continue // tar adds these when a person repacks a bundle
		}
		if hdr.Typeflag != tar.TypeReg || hdr.Size < 0 || sparse(hdr) {
			return nil, reject("unexpected_entry", name)
		}
		if manifest != nil || receipt != nil {
			if name != "manifest.sig" && name != "receipt.sig" {
				return nil, reject("after_manifest", name)
			}
		}
		switch {
		case strings.HasPrefix(name, "records/") && strings.HasSuffix(name, ".json"):
			rid, err := uuid.Parse(strings.TrimSuffix(strings.TrimPrefix(name, "records/"), ".json"))
			if err != nil {
				return nil, reject("bad_record_entry", name)
			}
			if st != nil {
				// Staging was chosen by the file's size; a file that grows
				// while it is read must not make it hold more.
				if st.read += hdr.Size; st.read > stageLimit {
					return nil, reject("changed")
				}
				if hdr.Size > maxRecord {
					return nil, reject("damaged", cleanAgeErr(orTooLarge(nil)))
				}
				raw := st.buffer(int(hdr.Size))
				if _, err := io.ReadFull(tr, raw); err != nil {
					return nil, reject("damaged", cleanAgeErr(err))
				}
				st.record(rid, raw) // hashed by the stager
				continue
			}
			h := sha256.New()
			if n, err := io.CopyBuffer(h, io.LimitReader(tr, maxRecord+1), buf); err != nil || n > maxRecord {
				return nil, reject("damaged", cleanAgeErr(orTooLarge(err)))
			}
			hashes = append(hashes, Entry{ID: rid, SHA256: [32]byte(h.Sum(nil))})
		case strings.HasPrefix(name, "schemas/") && strings.HasSuffix(name, ".json"):
			want := strings.TrimSuffix(strings.TrimPrefix(name, "schemas/"), ".json")
			src, err := io.ReadAll(io.LimitReader(tr, maxRecord+1))
			if err != nil || len(src) > maxRecord {
				return nil, reject("damaged", cleanAgeErr(orTooLarge(err)))
			}
			sum := sha256.Sum256(src)
			if hex.EncodeToString(sum[:]) != want {
				return nil, reject("schema_hash", want)
			}
			schemas[want] = true
			if st != nil {
				st.schemas = append(st.schemas, src)
			}
		case name == "cases.json" && cases == nil:
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest+1))
			if err != nil || len(b) > maxManifest {
				return nil, reject("damaged", cleanAgeErr(orTooLarge(err)))
			}
			cases = b
		case name == "directory.json" && dir == nil:
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest+1))
			if err != nil || len(b) > maxManifest {
				return nil, reject("damaged", cleanAgeErr(orTooLarge(err)))
			}
			dir = b
		case name == "referrals.json" && refs == nil:
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest+1))
			if err != nil || len(b) > maxManifest {
				return nil, reject("damaged", cleanAgeErr(orTooLarge(err)))
			}
			refs = b
		case name == "manifest.json" || name == "receipt.json":
			if hdr.Size > maxManifest {
				return nil, reject("damaged", cleanAgeErr(orTooLarge(nil)))
			}
			// Read into a buffer of exactly its size: a manifest of
			// 100,000 records is 12 MB, and growing one would copy it.
			b := make([]byte, hdr.Size)
			if _, err := io.ReadFull(tr, b); err != nil {
				return nil, reject("damaged", cleanAgeErr(err))
			}
			if name == "manifest.json" {
				manifest = b
			} else {
				receipt = b
			}
		case name == "manifest.sig" || name == "receipt.sig":
			b, err := io.ReadAll(io.LimitReader(tr, ed25519.SignatureSize+1))
			if err != nil {
				return nil, reject("damaged", cleanAgeErr(err))
			}
			if name == "manifest.sig" {
				sig = b
			} else {
				rsig = b
			}
		default:
			return nil, reject("unexpected_entry", name)
		}
	}
	// Read to the very end: age checks the last chunk, so truncation and
	// appended bytes are caught here.
	if _, err := io.CopyBuffer(io.Discard, plain, buf); err != nil {
		return nil, reject("damaged", cleanAgeErr(err))
	}

	if st != nil {
		st.finish()
		hashes = append(hashes, st.sums...)
	}
	slices.SortFunc(hashes, func(a, b Entry) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	for i := 1; i < len(hashes); i++ {
		if hashes[i].ID == hashes[i-1].ID {
			return nil, reject("record_twice", hashes[i].ID)
		}
	}
	switch {
	case manifest != nil && receipt == nil:
		ck, err := checkBundle(manifest, sig, hashes, schemas, ownRecipient, contacts)
		if err != nil {
			return nil, err
		}
		// The threads are signed through the manifest's hash of them;
		// each is checked on its own once the vault's key is at hand.
		if (refs == nil) != (ck.Manifest.Referrals == "") || refs != nil && sum(refs) != ck.Manifest.Referrals {
			return nil, reject("referrals_mismatch")
		}
		ck.refs = refs
		if (dir == nil) != (ck.Manifest.Directory == "") || dir != nil && sum(dir) != ck.Manifest.Directory {
			return nil, reject("directory_mismatch")
		}
		if dir != nil {
			if ck.Directory, err = services.Check(dir); err != nil {
				return nil, reject("bad_directory", err)
			}
			ck.dir = dir
		}
		if (cases == nil) != (ck.Manifest.Cases == "") || cases != nil && sum(cases) != ck.Manifest.Cases {
			return nil, reject("cases_mismatch")
		}
		if cases != nil {
			if ck.cases, err = checkCases(cases, ck.Card.SigningKey, ck.Sender.Name); err != nil {
				return nil, err
			}
		}
		return ck, nil
	case receipt != nil && manifest == nil && len(hashes) == 0 && refs == nil && dir == nil && cases == nil:
		return checkReceipt(receipt, rsig, ownRecipient, contacts)
	}
	return nil, reject("unknown_kind")
}

// sparse reports a sparse tar entry. fieldvault never writes one, and its
// holes would read as gigabytes of zeros that the file does not hold: anyone
// can encrypt to a partner's public key, so this is checked before the
// signature is.
func sparse(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return hdr.Typeflag == tar.TypeGNUSparse
}

func orTooLarge(err error) error {
	if err == nil {
		return errors.New("an entry is larger than any fieldvault writes")
	}
	return err
}

// cleanAgeErr keeps library wording out of the one sentence shown.
func cleanAgeErr(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "unexpected EOF"), strings.Contains(s, "truncated"):
		return "it is cut short"
	case strings.Contains(s, "trailing data"):
		return "bytes were added to its end"
	case strings.Contains(s, "failed to decrypt"), strings.Contains(s, "authentication"):
		return "its encrypted content does not authenticate"
	}
	return s
}

// signer finds the contact whose card signed a file, and checks the
// signature.
func signer(cardLine string, msg, sig []byte, contacts func() ([]vault.Contact, error)) (Card, vault.Contact, error) {
	card, err := ParseCard(cardLine)
	if err != nil {
		return Card{}, vault.Contact{}, reject("bad_card")
	}
	all, err := contacts()
	if err != nil {
		return Card{}, vault.Contact{}, err
	}
	i := slices.IndexFunc(all, func(c vault.Contact) bool { return bytes.Equal(c.SigningKey, card.SigningKey) })
	if i < 0 {
		return Card{}, vault.Contact{}, reject("unknown_sender", card.Name, card.Fingerprint())
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(card.SigningKey, msg, sig) {
		return Card{}, vault.Contact{}, reject("bad_signature", all[i].Name)
	}
	return card, all[i], nil
}

// checkBundle checks the manifest, its signature, and that it lists
// exactly the records read, with their hashes (both sorted by ID).
func checkBundle(mb, sig []byte, hashes []Entry, schemas map[string]bool, own string, contacts func() ([]vault.Contact, error)) (*Checked, error) {
	m, err := ParseManifest(mb)
	if err != nil {
		return nil, reject("bad_manifest", err)
	}
	card, c, err := signer(m.Sender, mb, sig, contacts)
	if err != nil {
		return nil, err
	}
	if m.Recipient != own {
		return nil, reject("bundle_other_vault", c.Name)
	}
	if len(m.Records) != len(hashes) {
		return nil, reject("count_mismatch", len(m.Records), len(hashes))
	}
	for i, e := range m.Records {
		if hashes[i].ID != e.ID || hashes[i].SHA256 != e.SHA256 {
			return nil, reject("record_mismatch", e.ID)
		}
	}
	for _, s := range m.Schemas {
		if !schemas[s.SHA256] {
			return nil, reject("schema_missing", s.ID, s.Version)
		}
		delete(schemas, s.SHA256)
	}
	for hash := range schemas {
		return nil, reject("schema_unlisted", hash)
	}
	return &Checked{Kind: KindBundle, Sender: c, Card: card, Manifest: m}, nil
}

func checkReceipt(rb, sig []byte, own string, contacts func() ([]vault.Contact, error)) (*Checked, error) {
	r, err := ParseReceipt(rb)
	if err != nil {
		return nil, reject("bad_receipt", err)
	}
	card, c, err := signer(r.Sender, rb, sig, contacts)
	if err != nil {
		return nil, err
	}
	if r.Recipient != own {
		return nil, reject("receipt_other_vault", c.Name)
	}
	return &Checked{Kind: KindReceipt, Sender: c, Card: card, Receipt: r}, nil
}

// ImportResult says what an import did.
type ImportResult struct {
	*Checked
	Added            int    // records new or newer than what the vault had
	Deleted          int    // records deleted by withdrawal notices
	Delivered        int    // records marked delivered by a receipt
	Confirmed        int    // withdrawals the partner confirmed
	ReferralsChanged int    // referrals new or changed
	ReceiptPath      string // the receipt written for the sender
	// AnchorErr says, for a receipt, that this vault's audit log no longer
	// reaches the entry the partner confirmed: it was cut or rewritten.
	AnchorErr error
}

// readTwiceBatchBytes bounds the records one transaction holds when a
// bundle is too large to read once, so that memory stays flat however
// large it is. Two batches are in flight (one read, one committed), each
// held as read, as encrypted and as written pages; 1 MiB keeps a
// 100,000-record import under its memory budget, at a few more commits.
const readTwiceBatchBytes = 1 << 20

// Import verifies a bundle or receipt, then applies it. A bundle's records
// are added or updated, its withdrawal notices deleted, and a receipt for
// the sender is written into receiptDir. A receipt marks the records it
// confirms delivered. Importing the same file twice changes nothing.
func Import(v *vault.Vault, path, receiptDir string) (*ImportResult, error) {
	defer collectLess()()
	// A bundle small enough is read once: its records are made ready for
	// this vault while it is checked. A larger one is read a second time,
	// so that memory stays flat.
	var st *stager
	var copied *os.File
	if fi, err := os.Stat(path); err == nil && fi.Size() <= stageLimit {
		st = newStager(v)
	} else {
		// The second reading must read the bytes that were checked, not
		// whatever is at the path by then (a swapped file, a FIFO): keep
		// a private copy of the ciphertext while checking.
		if copied, err = os.CreateTemp("", "fieldvault-import-*.age"); err != nil {
			return nil, fmt.Errorf("cannot make a private copy of the bundle to import: %w", err)
		}
		defer func() {
			copied.Close()
			os.Remove(copied.Name())
		}()
	}
	var keep io.Writer
	if copied != nil {
		keep = copied
	}
	ck, err := verify(v, path, st, keep)
	afterCheck(path, copied)
	var staged []vault.Prepared
	var stageErr error
	if st != nil {
		st.finish() // a rejected file may end the check before it does
		staged, stageErr = st.out, st.err
	}
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Checked: ck}
	if ck.Seen {
		// A bundle imported before may have stopped after its records
		// and before its referrals: merging them again is harmless.
		if ck.Kind == KindBundle {
			if _, err := mergeThreads(v, ck); err != nil {
				return nil, err
			}
			if err := keepDirectory(v, ck); err != nil {
				return nil, err
			}
			if err := keepCases(v, ck); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	if ck.Kind == KindReceipt {
		return res, applyReceipt(v, ck, res)
	}
	if st != nil {
		err = applyStaged(v, ck, staged, stageErr, st.schemas, res)
	} else if err = checkOwner(v, ck); err == nil {
		err = applyBundle(v, copied, ck, res)
	}
	if err != nil {
		return nil, notOwner(err, ck)
	}
	if res.ReferralsChanged, err = mergeThreads(v, ck); err != nil {
		return nil, err
	}
	if err := keepDirectory(v, ck); err != nil {
		return nil, err
	}
	if err := keepCases(v, ck); err != nil {
		return nil, err
	}
	if res.Deleted > 0 {
		if err := v.Compact(); err != nil {
			return nil, err
		}
	}
	// Every record the bundle carried is held now, at its version or a
	// newer one from the same sender, and every record it withdrew is gone:
	// a record held from anyone else would have refused the bundle.
	rp, err := writeReceipt(v, ck, receiptDir, ck.Manifest.Records, ck.Manifest.Withdrawals)
	if err != nil {
		return nil, fmt.Errorf("the bundle was imported, but its receipt could not be written: %w", err)
	}
	res.ReceiptPath = rp
	return res, nil
}

// applyBundle reads the bundle a second time and stores what it checked.
// Every record is hashed again, in case the file changed in between.
func applyBundle(v *vault.Vault, f *os.File, ck *Checked, res *ImportResult) error {
	id, err := v.Identity()
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	plain, err := age.Decrypt(bufio.NewReaderSize(f, 1<<16), id)
	if err != nil {
		return reject("changed")
	}
	// The manifest's records, sorted by ID, are the index of what to
	// expect: no second list of 100,000 entries.
	want := ck.Manifest.Records
	seen := make([]bool, len(want)) // every entry must be read exactly once
	// One goroutine commits batches while this one reads the next.
	batches := make(chan []vault.Received)
	applied := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				var n int
				n, err = v.ApplyReceived(b, ck.Sender.ID, "bundle "+ck.Manifest.Bundle)
				res.Added += n
			}
		}
		applied <- err
	}()
	var batch []vault.Received
	size := 0
	flush := func() {
		if len(batch) > 0 {
			batches <- batch
		}
		batch, size = nil, 0
	}
	finished := false
	finish := func() error {
		finished = true
		close(batches)
		return <-applied
	}
	// On an early return, let the committing goroutine end first.
	defer func() {
		if !finished {
			finish()
		}
	}()
	var schemas [][]byte
	tr := tar.NewReader(plain)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return reject("changed")
		}
		if sparse(hdr) {
			return reject("changed")
		}
		if hdr.Typeflag == tar.TypeDir {
			continue // records/ or schemas/ from a repacking: the check allowed no other
		}
		switch {
		case strings.HasPrefix(hdr.Name, "records/"):
			if hdr.Size > maxRecord {
				return reject("changed")
			}
			raw := make([]byte, hdr.Size)
			_, err := io.ReadFull(tr, raw)
			rid, perr := uuid.Parse(strings.TrimSuffix(strings.TrimPrefix(hdr.Name, "records/"), ".json"))
			i, found := entryIndex(want, rid)
			if err != nil || perr != nil || !found || seen[i] || sha256.Sum256(raw) != want[i].SHA256 {
				return reject("changed")
			}
			seen[i] = true
			e := want[i]
			// The vault reads each record's head, checks that it states
			// this ID and version, and encrypts it, on every core.
			batch = append(batch, vault.Received{Raw: raw, ID: e.ID.String(), Version: e.Version})
			if size += len(raw); size >= readTwiceBatchBytes {
				flush()
			}
		case strings.HasPrefix(hdr.Name, "schemas/"):
			src, err := io.ReadAll(io.LimitReader(tr, maxRecord))
			sum := sha256.Sum256(src)
			hash := hex.EncodeToString(sum[:])
			if err != nil || "schemas/"+hash+".json" != hdr.Name {
				return reject("changed")
			}
			schemas = append(schemas, src)
		}
	}
	flush()
	if slices.Contains(seen, false) {
		finish()
		return reject("changed")
	}
	if err := finish(); err != nil {
		if errors.Is(err, vault.ErrUnreadable) {
			// Signed by the sender, but not a record: a bug on their side.
			// The records stored before it stay; nothing is logged as
			// imported.
			return reject("unreadable_stored", ck.Sender.Name, res.Added)
		}
		return err
	}
	return finishBundle(v, ck, schemas, res)
}

// finishBundle stores a bundle's questionnaires, deletes what its
// withdrawal notices name, and logs it as imported, after its records.
func finishBundle(v *vault.Vault, ck *Checked, schemas [][]byte, res *ImportResult) error {
	for _, src := range schemas {
		sum := sha256.Sum256(src)
		if err := v.PutSchema(hex.EncodeToString(sum[:]), src); err != nil {
			return err
		}
	}
	m := ck.Manifest
	entry := importEntry(ck)
	// checkOwner made sure each record named is the sender's, or absent.
	held, err := v.SummariesOf(slices.Values(m.Withdrawals))
	if err != nil {
		return err
	}
	var deletes []string
	for _, id := range m.Withdrawals {
		if s, ok := held[id]; ok && s.Source == ck.Sender.ID {
			deletes = append(deletes, id)
		}
	}
	res.Deleted = len(deletes)
	return v.LogImport(entry, deletes)
}

// importEntry is the import log's entry for a checked bundle.
func importEntry(ck *Checked) *vault.Import {
	m := ck.Manifest
	return &vault.Import{Kind: KindBundle, Bundle: m.Bundle, Contact: ck.Sender.ID, Seq: m.Seq, Count: len(m.Records), Deleted: m.Withdrawals, Anchor: m.Audit}
}

// afterCheck runs between checking a bundle and storing it, with the path
// and the private copy (nil for a bundle read once): tests swap files there.
var afterCheck = func(path string, copied *os.File) {}

// stageLimit is the largest bundle read only once. Its records, encrypted
// for this vault, are held in memory until all of it is checked: about
// 14 MiB for a bundle of this size (some 15,000 records). A variable so
// that tests can send small bundles down the path of large ones.
var stageLimit int64 = 32 << 20

// stager makes a bundle's records ready for this vault while the bundle is
// read and checked, on the cores the reading leaves idle: it hashes each
// record, reads its head and encrypts it. Nothing it makes is stored
// before the whole bundle has checked out.
type stager struct {
	read    int64 // bytes of records read so far
	v       *vault.Vault
	bufs    gosync.Pool // *[]byte: record buffers, reused
	batch   []stageJob  // records read but not yet handed over
	jobs    chan []stageJob
	wg      gosync.WaitGroup
	done    gosync.Once
	mu      gosync.Mutex
	out     []vault.Prepared
	sums    []Entry // every record's ID and hash, made or not
	err     error
	schemas [][]byte // the questionnaires read, checked against their names
}

type stageJob struct {
	id  uuid.UUID
	raw []byte
}

// stageBatch is how many records go to a worker at once: fewer hand-overs.
const stageBatch = 32

func newStager(v *vault.Vault) *stager {
	s := &stager{v: v, jobs: make(chan []stageJob, 4)}
	for range runtime.GOMAXPROCS(0) {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for batch := range s.jobs {
				sums := make([]Entry, len(batch))
				ps := make([]vault.Prepared, 0, len(batch))
				var firstErr error
				for i, j := range batch {
					sums[i] = Entry{ID: j.id, SHA256: sha256.Sum256(j.raw)}
					p, err := v.PrepareReceived(j.raw, j.id.String())
					if err != nil && firstErr == nil {
						firstErr = err
					} else if err == nil {
						ps = append(ps, p)
					}
					// The plaintext is encrypted now: wipe it and read
					// the next record into it.
					clear(j.raw)
					s.bufs.Put(&j.raw)
				}
				s.mu.Lock()
				s.sums = append(s.sums, sums...)
				s.out = append(s.out, ps...)
				if firstErr != nil && s.err == nil {
					s.err = firstErr
				}
				s.mu.Unlock()
			}
		}()
	}
	return s
}

// buffer returns a buffer of n bytes to read a record into.
func (s *stager) buffer(n int) []byte {
	if b, ok := s.bufs.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n, max(n, 4<<10))
}

// record hands one record, as read from the bundle, to the workers.
func (s *stager) record(id uuid.UUID, raw []byte) {
	s.batch = append(s.batch, stageJob{id, raw})
	if len(s.batch) == stageBatch {
		s.jobs <- s.batch
		s.batch = nil
	}
}

// finish hands over the last records and waits for the workers. It may be
// called more than once.
func (s *stager) finish() {
	s.done.Do(func() {
		if len(s.batch) > 0 {
			s.jobs <- s.batch
			s.batch = nil
		}
		close(s.jobs)
		s.wg.Wait()
	})
}

// applyStaged stores the records a stager made while the bundle was
// checked: each must state the ID and version the manifest lists for it.
func applyStaged(v *vault.Vault, ck *Checked, staged []vault.Prepared, stageErr error, schemas [][]byte, res *ImportResult) error {
	m := ck.Manifest
	unreadable := func() error {
		return reject("unreadable", ck.Sender.Name)
	}
	switch {
	case errors.Is(stageErr, vault.ErrUnreadable):
		return unreadable()
	case stageErr != nil:
		return stageErr
	case len(staged) != len(m.Records):
		return reject("changed")
	}
	for i := range staged {
		id, err := uuid.Parse(staged[i].ID())
		if e, ok := findEntry(m.Records, id); err != nil || !ok || e.Version != staged[i].Version() {
			return unreadable()
		}
	}
	// One transaction: the bundle is applied whole or not at all, with
	// one sync of the disk. Its pages in memory are about the size of what
	// is staged, which stageLimit bounds.
	added, deleted, err := v.StoreBundle(vault.ReceivedBundle{
		Records:   staged,
		Schemas:   schemas,
		Withdrawn: m.Withdrawals,
		Log:       importEntry(ck),
	}, ck.Sender.ID)
	if err != nil {
		return err
	}
	res.Added, res.Deleted = added, deleted
	return nil
}

// writeReceipt answers a bundle: every record version it carried and every
// withdrawal honoured, signed and encrypted to the sender.
func writeReceipt(v *vault.Vault, ck *Checked, dir string, records []Entry, deleted []string) (string, error) {
	own, err := OwnCard(v)
	if err != nil {
		return "", err
	}
	rcpt, err := age.ParseHybridRecipient(ck.Sender.Recipient)
	if err != nil {
		return "", err
	}
	m := ck.Manifest
	r := Receipt{
		Format:    receiptFormat,
		Receipt:   uuid.NewString(),
		Bundle:    m.Bundle,
		Sender:    own.String(),
		Recipient: ck.Sender.Recipient,
		Created:   time.Now().UTC(),
		Records:   records, // a receipt lists IDs and versions; hashes are left out
		Deleted:   deleted,
		Audit:     m.Audit,
	}
	rb := r.Encode()
	sig, err := v.Sign(rb)
	if err != nil {
		return "", err
	}
	return writeAtomic(dir, KindReceipt, func(w io.Writer) error {
		aw, err := age.Encrypt(w, rcpt)
		if err != nil {
			return err
		}
		return closeSigned(tar.NewWriter(aw), aw, "receipt", rb, sig)
	})
}

// applyReceipt records what a partner confirmed: only the record versions
// and withdrawals that this vault's export log shows went to that partner
// in the bundle the receipt answers. A record is delivered once every
// partner its sharing consent names has confirmed its current version.
func applyReceipt(v *vault.Vault, ck *Checked, res *ImportResult) error {
	r := ck.Receipt
	exports, err := v.Exports()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(exports, func(e vault.Export) bool { return e.Bundle == r.Bundle && e.Contact == ck.Sender.ID })
	if i < 0 {
		return reject("unknown_export", ck.Sender.Name)
	}
	sent := exports[i]
	version := make(map[string]int, len(sent.Records))
	for _, rv := range sent.Records {
		version[rv.ID] = rv.Version
	}
	var confirmed []vault.RecordVersion
	for _, e := range r.Records {
		id := e.ID.String()
		if v, ok := version[id]; ok && v == e.Version {
			confirmed = append(confirmed, vault.RecordVersion{ID: id, Version: e.Version})
		}
	}
	idByKey, err := contactIDs(v)
	if err != nil {
		return err
	}
	marked, err := v.ConfirmDelivery(ck.Sender.ID, confirmed, func(s vault.Summary, d vault.Delivery) bool {
		return deliveredToAll(s, d, idByKey)
	})
	if err != nil {
		return err
	}
	res.Delivered = len(marked)
	var deleted []string
	for _, id := range r.Deleted {
		if slices.Contains(sent.Withdrawals, id) {
			deleted = append(deleted, id)
		}
	}
	tombs, err := v.Tombstones()
	if err != nil {
		return err
	}
	for _, t := range tombs {
		if slices.Contains(deleted, t.ID) && slices.Contains(t.Pending, ck.Sender.ID) {
			res.Confirmed++
		}
	}
	if err := v.ConfirmDeletions(ck.Sender.ID, deleted); err != nil {
		return err
	}
	// The partner sends back the audit anchor this vault put in the
	// bundle: the log must still reach it.
	if r.Audit != nil {
		res.AnchorErr = v.CheckAnchor(*r.Audit)
	}
	entry := &vault.Import{Kind: KindReceipt, Bundle: r.Receipt, Contact: ck.Sender.ID, Count: len(confirmed), Deleted: deleted, Anchor: r.Audit}
	return v.LogImport(entry, nil)
}

// deliveredToAll reports whether every partner a record's sharing consent
// names has confirmed its current version. A record shared with nobody, or
// with a partner that is no longer a contact, is never delivered.
func deliveredToAll(s vault.Summary, d vault.Delivery, idByKey map[string]string) bool {
	if len(s.Share) == 0 {
		return false
	}
	for _, key := range s.Share {
		id, ok := idByKey[key]
		if !ok || d[id] < s.Version {
			return false
		}
	}
	return true
}

// checkOwner refuses a bundle that would change or delete a record its
// sender did not create, before anything is stored.
func checkOwner(v *vault.Vault, ck *Checked) error {
	m := ck.Manifest
	ids := func(yield func(string) bool) {
		for _, e := range m.Records {
			if !yield(e.ID.String()) {
				return
			}
		}
		for _, id := range m.Withdrawals {
			if !yield(id) {
				return
			}
		}
	}
	held, err := v.SummariesOf(ids)
	if err != nil {
		return err
	}
	for id, s := range held {
		if s.Source != ck.Sender.ID {
			return &vault.NotOwnerError{ID: id, Source: s.Source, Status: s.Status}
		}
	}
	return nil
}

// notOwner turns the vault's ownership refusal into a rejection.
func notOwner(err error, ck *Checked) error {
	var no *vault.NotOwnerError
	if !errors.As(err, &no) {
		return err
	}
	key := "not_theirs_own"
	switch {
	case no.Status == vault.StatusDraft:
		key = "not_theirs_draft"
	case no.Source != "":
		key = "not_theirs_contact"
	}
	return reject(key, ck.Sender.Name, no.ID)
}

// ReceiptDir is where a receipt goes by default: beside the bundle.
func ReceiptDir(bundlePath string) string { return filepath.Dir(bundlePath) }

// ForThisVault reports whether the file at path is an age file addressed
// to this vault. It reads only the header: a quick look for a file picker,
// not a check (Verify is).
func ForThisVault(v *vault.Vault, path string) bool {
	id, err := v.Identity()
	if err != nil {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = age.Decrypt(bufio.NewReader(f), id)
	return err == nil
}
