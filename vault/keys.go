package vault

import (
	"bytes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// Passphrase and work-factor limits. A passphrase is the only thing between a
// seized laptop and the survivors' records, so short ones are refused.
const (
	MinPassphraseLen  = 10
	MinWorkFactor     = 10
	MaxWorkFactor     = 22
	DefaultWorkFactor = 18
	// maxSlots bounds the scrypt work a wrong passphrase costs (one scrypt
	// per slot tried).
	maxSlots = 16
)

// ErrWeakPassphrase is returned for an empty passphrase or one shorter than
// MinPassphraseLen characters.
var ErrWeakPassphrase = fmt.Errorf("a passphrase needs at least %d characters", MinPassphraseLen)

// CheckPassphrase reports whether p is acceptable as a new passphrase.
func CheckPassphrase(p []byte) error {
	if utf8.RuneCount(bytes.TrimSpace(p)) < MinPassphraseLen {
		return ErrWeakPassphrase
	}
	return nil
}

// secret is the vault secret. It lives in memory only while the vault is
// unlocked and on disk only inside key slots.
type secret struct {
	master   []byte // 32 random bytes; every symmetric key derives from it
	identity *age.HybridIdentity
	signing  ed25519.PrivateKey
}

func newSecret() (*secret, error) {
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return nil, err
	}
	id, err := age.GenerateHybridIdentity()
	if err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &secret{master: master, identity: id, signing: priv}, nil
}

// slotPayload is the vault secret as a key slot holds it.
type slotPayload struct {
	Format   int    `json:"format"`
	Worker   string `json:"worker,omitempty"` // format 1 only
	Master   []byte `json:"master"`
	Identity string `json:"identity"`
	Signing  []byte `json:"signing"` // ed25519 seed
	// Decoy is set in a duress slot only (its secret is then the decoy
	// vault's): unlocking with it puts an empty vault in the real one's place.
	Decoy *decoy `json:"decoy,omitempty"`
}

// payloadOf is the key part of a slot for s: a duress slot's if dc is set.
func payloadOf(s *secret, dc *decoy) *slotPayload {
	return &slotPayload{Format: 2, Master: s.master, Identity: s.identity.String(), Signing: s.signing.Seed(), Decoy: dc}
}

// A key slot (format 2) is two age files. The lock is encrypted to the
// passphrase (scrypt, alone in its file as age requires) and holds the
// slot's own hybrid identity, the worker's name and the vault's public
// signing key. The key is encrypted to that identity's recipient, which the
// slot keeps in the clear, and holds the vault secret. So the secret can be
// wrapped anew for every slot without anyone's passphrase: removing or
// changing a passphrase replaces the master key (rekey), and a removed
// passphrase, with any older copy of the file, reads nothing written after.
//
// Format 1 slots, from before rekeying existed, are one scrypt age file
// holding the secret; unlocking with one rewrites it as format 2.
type slotFile struct {
	Format    int    `json:"format"`
	Lock      []byte `json:"lock"`
	Recipient string `json:"recipient"`
	Key       []byte `json:"key"`
}

// slotLock is the plaintext of a slot's lock.
type slotLock struct {
	Format     int    `json:"format"`
	Worker     string `json:"worker"`
	Identity   string `json:"identity"`    // the slot's own
	SigningKey []byte `json:"signing_key"` // the vault's public key
}

// sealSlot makes a format 2 key slot for passphrase holding the secret, or,
// if dc is set, a duress slot holding the decoy secret s. The two look the
// same from outside: the difference is inside the part only the passphrase
// opens.
func sealSlot(s *secret, worker string, passphrase []byte, workFactor int, dc *decoy) ([]byte, error) {
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(workFactor)
	own, err := age.GenerateHybridIdentity()
	if err != nil {
		return nil, err
	}
	lock, err := json.Marshal(slotLock{Format: 2, Worker: worker, Identity: own.String(), SigningKey: s.signing.Public().(ed25519.PublicKey)})
	if err != nil {
		return nil, err
	}
	defer clear(lock)
	f := slotFile{Format: 2, Recipient: own.Recipient().String()}
	if f.Lock, err = ageSeal(r, lock); err != nil {
		return nil, err
	}
	if f.Key, err = wrapSecret(s, dc, own.Recipient()); err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

// rewrapSlot puts a new secret into a format 2 slot, keeping its lock: the
// holder's passphrase opens it as before. A format 1 slot cannot be
// rewrapped (errLegacySlot).
func rewrapSlot(slot []byte, s *secret) ([]byte, error) {
	var f slotFile
	if len(slot) == 0 || slot[0] != '{' {
		return nil, errLegacySlot
	}
	if err := json.Unmarshal(slot, &f); err != nil || f.Format != 2 {
		return nil, errors.New("key slot is damaged: unexpected contents")
	}
	r, err := age.ParseHybridRecipient(f.Recipient)
	if err != nil {
		return nil, fmt.Errorf("key slot is damaged: %w", err)
	}
	if f.Key, err = wrapSecret(s, nil, r); err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

// errLegacySlot is a format 1 slot: only its passphrase can rewrite it.
var errLegacySlot = errors.New("the key slot was made by an older fieldvault")

func wrapSecret(s *secret, dc *decoy, r age.Recipient) ([]byte, error) {
	pt, err := json.Marshal(payloadOf(s, dc))
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	return ageSeal(r, pt)
}

func ageSeal(r age.Recipient, pt []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(pt); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ageOpen decrypts a whole small age file.
func ageOpen(file []byte, id age.Identity) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(file), id)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// errSlotMismatch means the passphrase does not open this slot.
var errSlotMismatch = errors.New("passphrase does not open this slot")

// openSlot decrypts one key slot. It returns errSlotMismatch for a wrong
// passphrase and another error for a damaged slot; legacy is true for a
// format 1 slot, which the caller should rewrite.
func openSlot(slot, passphrase []byte) (s *secret, worker string, legacy bool, err error) {
	s, worker, legacy, _, err = openSlotDecoy(slot, passphrase)
	return s, worker, legacy, err
}

// openSlotDecoy is openSlot that also returns the decoy of a duress slot.
func openSlotDecoy(slot, passphrase []byte) (s *secret, worker string, legacy bool, dc *decoy, err error) {
	id, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, "", false, nil, errSlotMismatch
	}
	id.SetMaxWorkFactor(MaxWorkFactor)
	legacy = len(slot) == 0 || slot[0] != '{'
	lockFile := slot
	var f slotFile
	if !legacy {
		if err := json.Unmarshal(slot, &f); err != nil || f.Format != 2 {
			return nil, "", false, nil, errors.New("key slot is damaged: unexpected contents")
		}
		lockFile = f.Lock
	}
	pt, err := ageOpen(lockFile, id)
	if err != nil {
		if errors.Is(err, age.ErrIncorrectIdentity) {
			return nil, "", false, nil, errSlotMismatch
		}
		return nil, "", false, nil, fmt.Errorf("key slot is damaged: %w", err)
	}
	defer clear(pt)
	if legacy {
		var p slotPayload
		if err := json.Unmarshal(pt, &p); err != nil || p.Format != 1 {
			return nil, "", false, nil, errors.New("key slot is damaged: unexpected contents")
		}
		s, err := p.secret()
		return s, p.Worker, true, nil, err
	}
	var l slotLock
	if err := json.Unmarshal(pt, &l); err != nil || l.Format != 2 {
		return nil, "", false, nil, errors.New("key slot is damaged: unexpected contents")
	}
	own, err := age.ParseHybridIdentity(l.Identity)
	if err != nil {
		return nil, "", false, nil, fmt.Errorf("key slot is damaged: %w", err)
	}
	kp, err := ageOpen(f.Key, own)
	if err != nil {
		return nil, "", false, nil, fmt.Errorf("key slot is damaged: %w", err)
	}
	defer clear(kp)
	var p slotPayload
	if err := json.Unmarshal(kp, &p); err != nil || p.Format != 2 {
		return nil, "", false, nil, errors.New("key slot is damaged: unexpected contents")
	}
	if s, err = p.secret(); err != nil {
		return nil, "", false, nil, err
	}
	// The key part can be written by anyone who reads the file (its
	// recipient is in the clear): it must hold this vault's own secret,
	// which only a holder of the vault's signing key can make.
	if !bytes.Equal(s.signing.Public().(ed25519.PublicKey), l.SigningKey) {
		return nil, "", false, nil, errors.New("key slot is damaged: its key does not belong to this vault")
	}
	return s, l.Worker, false, p.Decoy, nil
}

func (p *slotPayload) secret() (*secret, error) {
	if len(p.Master) != 32 || len(p.Signing) != ed25519.SeedSize {
		return nil, errors.New("key slot is damaged: unexpected contents")
	}
	ident, err := age.ParseHybridIdentity(p.Identity)
	if err != nil {
		return nil, fmt.Errorf("key slot is damaged: %w", err)
	}
	return &secret{master: p.Master, identity: ident, signing: ed25519.NewKeyFromSeed(p.Signing)}, nil
}

// recordStanzaType names the custom age stanza that wraps a record's file
// key to the vault's master key.
const recordStanzaType = "fieldvault-record"

// recordRecipient wraps an age file key with XChaCha20-Poly1305 under a
// subkey of the master key, bound to the value's bbolt location. It makes
// records standard age files that cost no public-key operation to open.
type recordRecipient struct {
	aead cipher.AEAD
	ad   []byte
}

func (r recordRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	return []*age.Stanza{{Type: recordStanzaType, Body: seal(r.aead, fileKey, r.ad)}}, nil
}

// Unwrap makes recordRecipient its own age.Identity.
func (r recordRecipient) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	for _, s := range stanzas {
		if s.Type != recordStanzaType {
			continue
		}
		fileKey, err := open(r.aead, s.Body, r.ad)
		if err != nil {
			return nil, err
		}
		return fileKey, nil
	}
	return nil, fmt.Errorf("%w: not a fieldvault record", age.ErrIncorrectIdentity)
}

// encryptBlob makes plaintext an age file wrapped to the vault's record key
// and bound to ad.
func encryptBlob(aead cipher.AEAD, ad, plaintext []byte) ([]byte, error) {
	if len(plaintext) <= maxChunk {
		return encryptSmall(aead, ad, plaintext)
	}
	var buf bytes.Buffer
	buf.Grow(len(plaintext) + 256)
	w, err := age.Encrypt(&buf, recordRecipient{aead, ad})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decryptBlob reverses encryptBlob. Any failure means the value was altered.
func decryptBlob(aead cipher.AEAD, ad, blob []byte) ([]byte, error) {
	if pt, ok, err := decryptSmall(aead, ad, blob); ok {
		return pt, err
	}
	r, err := age.Decrypt(bytes.NewReader(blob), recordRecipient{aead, ad})
	if err != nil {
		return nil, errCorrupt
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		return nil, errCorrupt
	}
	return pt, nil
}

// cleanWorker normalises a worker name for storage.
func cleanWorker(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return "worker"
	}
	return name
}

// smallIntro is how every record fieldvault writes begins: the age v1
// version line and one fieldvault-record stanza.
const smallIntro = "age-encryption.org/v1\n-> " + recordStanzaType + "\n"

// maxChunk is age's payload chunk size.
const maxChunk = 64 << 10

// encryptSmall writes a plaintext of one chunk (at most 64 KiB) as an age
// v1 file with one fieldvault-record stanza, following the specification
// directly: age.Encrypt sets up a stream writer and its buffers for every
// file, which costs more than the encryption of a small record. The test
// checks that age's own reader opens what this writes.
func encryptSmall(aead cipher.AEAD, ad, plaintext []byte) ([]byte, error) {
	var fileKey, nonce [16]byte
	rand.Read(fileKey[:])
	rand.Read(nonce[:])
	defer clear(fileKey[:])
	body := seal(aead, fileKey[:], ad)
	b64 := base64.RawStdEncoding.AppendEncode(nil, body)
	out := make([]byte, 0, len(smallIntro)+len(b64)+len(b64)/64+1+len("--- ")+43+1+len(nonce)+len(plaintext)+chacha20poly1305.Overhead)
	out = append(out, smallIntro...)
	// The stanza body is wrapped at 64 columns; its last line is shorter
	// (empty if the body fills every line).
	for len(b64) >= 64 {
		out = append(append(out, b64[:64]...), '\n')
		b64 = b64[64:]
	}
	out = append(append(out, b64...), '\n')
	out = append(out, "---"...)
	mac := headerMAC(fileKey[:], out)
	out = append(out, ' ')
	out = base64.RawStdEncoding.AppendEncode(out, mac)
	out = append(out, '\n')
	out = append(out, nonce[:]...)
	streamKey := ageHKDF(fileKey[:], nonce[:], "payload")
	defer clear(streamKey)
	c, err := chacha20poly1305.New(streamKey)
	if err != nil {
		return nil, err
	}
	var chunkNonce [chacha20poly1305.NonceSize]byte
	chunkNonce[len(chunkNonce)-1] = 1 // the first chunk is the last
	return c.Seal(out, chunkNonce[:], plaintext, nil), nil
}

// ageHKDF is age's key derivation: HKDF-SHA-256 to 32 bytes. Its labels
// are short constants, so it cannot fail.
func ageHKDF(secret, salt []byte, label string) []byte {
	k, err := hkdf.Key(sha256.New, secret, salt, label, 32)
	if err != nil {
		panic("vault: hkdf: " + err.Error()) // unreachable: 32 bytes of SHA-256
	}
	return k
}

// headerMAC is age's header MAC: HMAC-SHA-256 under HKDF(file key, "header").
func headerMAC(fileKey, header []byte) []byte {
	key := ageHKDF(fileKey, nil, "header")
	defer clear(key)
	h := hmac.New(sha256.New, key)
	h.Write(header)
	return h.Sum(nil)
}

// decryptSmall opens the one shape of age file fieldvault writes — a single
// fieldvault-record stanza and a payload of one chunk — following the age v1
// specification directly. age's own reader allocates two 64 KiB buffers per
// file, which dominates reading thousands of small records; this path
// allocates only the plaintext. handled is false for any other shape, which
// age.Decrypt then reads.
var strictB64 = base64.RawStdEncoding.Strict()

func decryptSmall(aead cipher.AEAD, ad, blob []byte) (pt []byte, handled bool, err error) {
	if !bytes.HasPrefix(blob, []byte(smallIntro)) {
		return nil, false, nil
	}
	rest := blob[len(smallIntro):]
	i := bytes.Index(rest, []byte("\n---"))
	if i < 0 {
		return nil, true, errCorrupt
	}
	macked := blob[:len(smallIntro)+i+len("\n---")]
	// As strict as age: lines of 64 columns but a shorter last one, and
	// canonical base64 (no padding, no stray bits).
	lines := bytes.Split(rest[:i], []byte("\n"))
	for j, l := range lines {
		if j < len(lines)-1 && len(l) != 64 || j == len(lines)-1 && len(l) >= 64 {
			return nil, true, errCorrupt
		}
	}
	body, err := strictB64.DecodeString(string(bytes.Join(lines, nil)))
	if err != nil {
		return nil, true, errCorrupt
	}
	footer := rest[i+len("\n---"):]
	// " " + 43 characters of base64 MAC + "\n"
	if len(footer) < 45 || footer[0] != ' ' || footer[44] != '\n' {
		return nil, true, errCorrupt
	}
	mac, err := strictB64.DecodeString(string(footer[1:44]))
	if err != nil {
		return nil, true, errCorrupt
	}
	payload := footer[45:]
	if len(payload) > 16+maxChunk+chacha20poly1305.Overhead {
		return nil, false, nil // several chunks: age's reader handles them
	}
	fileKey, err := open(aead, body, ad)
	if err != nil || len(fileKey) != 16 {
		return nil, true, errCorrupt
	}
	defer clear(fileKey)
	if !hmac.Equal(headerMAC(fileKey, macked), mac) || len(payload) < 16+chacha20poly1305.Overhead {
		return nil, true, errCorrupt
	}
	streamKey := ageHKDF(fileKey, payload[:16], "payload")
	defer clear(streamKey)
	c, err := chacha20poly1305.New(streamKey)
	if err != nil {
		return nil, true, err
	}
	var nonce [chacha20poly1305.NonceSize]byte
	nonce[len(nonce)-1] = 1 // the first chunk is the last
	pt, err = c.Open(nil, nonce[:], payload[16:], nil)
	if err != nil {
		return nil, true, errCorrupt
	}
	return pt, true, nil
}
