// Package sync carries records between vaults in sealed bundles, and brings
// signed receipts back.
//
// A bundle is a standard age file, encrypted to the receiving contact's
// recipient, holding a tar stream: the records as JSON (records/ID.json),
// the questionnaires they were taken with (schemas/SHA256.json), then
// manifest.json and manifest.sig, an ed25519 signature by the sending vault
// over the manifest's exact bytes. The manifest lists every record with its
// version and SHA-256, and the withdrawal notices. A partner can open a
// bundle with the stock age CLI and tar in an emergency.
//
// The manifest comes last so that export streams: records are hashed as
// they are written and never all held in memory. Import therefore reads a
// bundle twice: first to check everything (decryption, every hash, the
// signature, the sender, the recipient) without touching the vault, then to
// apply it. Anything wrong is ErrRejected and the vault is left as it was.
//
// A receipt is the same kind of file holding receipt.json and receipt.sig:
// which record versions arrived and which withdrawals were honoured.
package sync
