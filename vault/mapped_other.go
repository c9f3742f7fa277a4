//go:build !unix

package vault

// dropMapped does nothing where the memory map cannot be advised.
func (v *Vault) dropMapped() {}
