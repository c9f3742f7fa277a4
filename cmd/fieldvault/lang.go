package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// The interface speaks English and Bahasa Indonesia. English text is the
// key into the catalog (lang_id.go), so the code reads as what it says and a
// missing translation falls back to English; a test checks that every
// string given to tr and trf has its Indonesian.

// uiLanguages are the interface's languages, first the default.
var uiLanguages = []string{"en", "id"}

// lang is the interface language: --lang, then the vault's setting (known
// once it is unlocked), then the OS locale, then English.
func (a *app) lang() string {
	for _, l := range []string{a.langFlag, a.vaultLang, localeLang(a.getenv)} {
		if l != "" {
			return l
		}
	}
	return "en"
}

// localeLang reads the language from the POSIX locale variables, in the
// order the C library reads them: "id_ID.UTF-8" means Indonesian.
func localeLang(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		l, _, _ := strings.Cut(strings.ToLower(v), "_")
		l, _, _ = strings.Cut(l, ".")
		if supportedLang(l) {
			return l
		}
		return ""
	}
	return ""
}

func supportedLang(l string) bool {
	for _, x := range uiLanguages {
		if x == l {
			return true
		}
	}
	return false
}

// tr translates a fixed English text into the interface language.
func (a *app) tr(s string) string { return a.translate(s) }

// trValue translates a value computed at run time, such as a record's
// status; such values are listed in computedTexts.
func (a *app) trValue(s string) string { return a.translate(s) }

func (a *app) translate(s string) string {
	if a.lang() == "id" {
		if t, ok := indonesian[s]; ok {
			return t
		}
	}
	return s
}

// trf translates a format and fills it in.
func (a *app) trf(format string, args ...any) string {
	return fmt.Sprintf(a.translate(format), args...)
}

// localizeHelp makes cobra's help speak the interface language: each
// command's description and the headings of the usage text.
func (a *app) localizeHelp(root *cobra.Command) {
	english := root.UsageTemplate()
	show := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if a.lang() == "id" {
			a.localizeTree(root)
			r := strings.NewReplacer(
				"Usage:", "Penggunaan:",
				"Aliases:", "Nama lain:",
				"Examples:", "Contoh:",
				"Available Commands:", "Perintah yang tersedia:",
				"Additional Commands:", "Perintah lain:",
				"Global Flags:", "Opsi global:",
				"Flags:", "Opsi:",
				"Additional help topics:", "Topik bantuan lain:",
				`Use "{{.CommandPath}} [command] --help" for more information about a command.`,
				`Gunakan "{{.CommandPath}} [perintah] --help" untuk keterangan tentang sebuah perintah.`,
				"[flags]", "[opsi]",
				"[command]", "[perintah]",
				helpExitCodes, helpExitCodesID,
			)
			root.SetUsageTemplate(r.Replace(english))
		}
		show(c, args)
	})
}

// localizeTree translates every command's description.
func (a *app) localizeTree(c *cobra.Command) {
	c.Short = a.trValue(c.Short)
	c.Long = a.trValue(c.Long)
	for _, sub := range c.Commands() {
		a.localizeTree(sub)
	}
}

const helpExitCodesID = `Kode keluar:
  0   berhasil
  1   galat
  2   penggunaan: opsi, argumen atau pengaturan yang salah
  10  tidak ada brankas di jalur itu
  11  brankas sedang dipakai proses lain
  12  frasa sandi salah
  13  bundel atau tanda terima ditolak
  130 dibatalkan (Ctrl+C)

Lingkungan:
  FIELDVAULT_VAULT             berkas brankas (pengganti --vault)
  FIELDVAULT_PASSPHRASE_FILE   berkas yang baris pertamanya frasa sandi
  FIELDVAULT_PASSPHRASE        frasa sandi itu sendiri, untuk otomatisasi
  FIELDVAULT_NEW_PASSPHRASE_FILE, FIELDVAULT_NEW_PASSPHRASE
                               frasa sandi baru, untuk init dan passphrase add/change
  FIELDVAULT_KDF_WORK_FACTOR   faktor kerja scrypt untuk frasa sandi baru (10 sampai 22, bawaan 18)
  FIELDVAULT_ACCESSIBLE=1      pertanyaan teks biasa baris demi baris (seperti --accessible; juga TERM=dumb)
  FIELDVAULT_IDLE_LOCK         waktu tanpa aktivitas sebelum sesi terkunci (bawaan 5m)
  NO_COLOR                     tanpa warna
  LC_ALL, LC_MESSAGES, LANG    bahasa antarmuka bila --lang dan pengaturan brankas tidak ada
`
