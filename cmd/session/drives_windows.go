package session

import "golang.org/x/sys/windows"

// windowsDrives lists the root folders of removable drives (USB sticks and
// card readers), by drive letter.
func windowsDrives() []string {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil
	}
	return removableRoots(mask, func(root string) bool {
		p, err := windows.UTF16PtrFromString(root)
		return err == nil && windows.GetDriveType(p) == windows.DRIVE_REMOVABLE
	})
}
