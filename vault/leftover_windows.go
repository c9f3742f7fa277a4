package vault

import "os"

// Windows has no O_NOFOLLOW; Lstat and the same-file check stand in.
const oNoFollow = 0

// ownedByMe: a Windows user's data folder is theirs alone.
func ownedByMe(os.FileInfo) bool { return true }
