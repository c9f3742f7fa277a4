// Package vault is fieldvault's encrypted local store: one bbolt file holding
// intake records, drafts, contacts, an export log and an audit log, none of it
// readable without a passphrase.
//
// # Keys
//
// A vault has one secret: a random 32-byte master key, an age identity (hybrid
// post-quantum) that partners encrypt receipts to, and an ed25519 key that
// signs what the vault sends. The secret exists on disk only inside key slots:
// each slot is an age file encrypted with a passphrase (age's scrypt
// recipient, alone in its file as age requires). Several workers can hold a
// slot each, like LUKS. Unlocking costs one scrypt per slot tried, on purpose;
// everything after it runs at symmetric-crypto speed:
//
//   - Records are age files, but their file key is wrapped to a subkey of the
//     master key with a custom stanza ([recordRecipient]) instead of to a
//     public key, which would cost an X25519 operation per record.
//   - Every record has a small summary sealed directly with
//     XChaCha20-Poly1305, so [Vault.Summaries] reads 100,000 records in well
//     under a second without opening any age file.
//   - Contacts, settings, the export log and the audit log are sealed the same
//     way. Every sealed value is bound to its bbolt key as associated data, so
//     values cannot be swapped between keys unnoticed.
//
// # What the file reveals
//
// bbolt keys are random UUIDs and nothing else: no names, no dates, no order.
// Bucket names and the number of entries in each are visible; nothing else is.
//
// # Concurrency
//
// bbolt holds an exclusive file lock while the vault is open. A second process
// gets [ErrBusy] after about a second instead of waiting forever.
package vault
