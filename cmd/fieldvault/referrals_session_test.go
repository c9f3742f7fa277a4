//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// referralPair is a field vault and a partner that know each other, the
// field vault with a service directory and a short questionnaire that asks
// consent to share and to be referred, then one need.
func referralPair(t *testing.T) (field, partner *sessionVault) {
	field = newSessionVault(t)
	field.run("", "init", "--worker", "Sari", "--name", "Field team")
	pdir := t.TempDir()
	partner = &sessionVault{t: t, bin: field.bin, dir: pdir, env: []string{
		"FIELDVAULT_VAULT=" + filepath.Join(pdir, "vault.db"),
		"FIELDVAULT_KDF_WORK_FACTOR=10", "TMPDIR=" + t.TempDir(), "TERM=xterm-256color", "NO_COLOR=1", "LANG=C.UTF-8",
	}}
	partner.run("", "init", "--worker", "Ani", "--name", "Yayasan Pelangi")
	for _, x := range [][2]*sessionVault{{field, partner}, {partner, field}} {
		card := filepath.Join(t.TempDir(), "card.txt")
		os.WriteFile(card, []byte(x[1].run("", "card")), 0o600)
		x[0].run("", "contact", "add", "--file", card)
	}
	dir := filepath.Join(t.TempDir(), "directory.csv")
	os.WriteFile(dir, []byte("id,name,type,organisation\npelangi-shelter,Rumah Aman Pelangi,shelter,Yayasan Pelangi\npelangi-clinic,Klinik Pelangi,health,Yayasan Pelangi\nlbh,LBH Medan,legal,\n"), 0o600)
	field.run("", "services", "import", dir)
	field.run("", "schema", "add", "testdata/session/referral-check.json")
	return field, partner
}

// shortIntake runs the referral-check questionnaire from the home screen:
// consent, sharing with the partner, shelter referrals agreed, and a safe
// place needed tonight.
func (tm *tmuxTerm) shortIntake(lang string) {
	tm.t.Helper()
	tm.keys("Enter")
	tm.choose(`(Referral check|Cek rujukan)`)
	tm.choose(lang)
	tm.keys("Enter") // the consent script, read aloud
	tm.wait(`(Do you agree to talk with me now\?|Apakah Anda setuju untuk berbicara)`)
	tm.keys("Enter")
	tm.wait(`\[ \] Yayasan Pelangi`)
	tm.keys("x", "Enter")
	tm.wait(`> \[ \] (Safe shelter|Rumah aman)`)
	tm.keys("x", "Enter")
	tm.wait(`(Do you need a safe place to sleep tonight\?|Apakah Anda membutuhkan tempat yang aman)`)
	tm.keys("Up", "Up", "Enter")
}

// At the end of an interview the session offers the services that meet the
// need found, among those the person agreed to be referred to and run by a
// partner they agreed to share with; the worker picks one and a priority.
func TestSessionReferralSuggestions(t *testing.T) {
	for _, tc := range []struct {
		lang, menu, title, normal, made, referrals string
	}{
		{"English", "New intake", `Refer to a service\?`, `normal \(2 weeks\)`, `1 referral made; it goes in the next bundle`, `Referrals \(1 open\)`},
		{"Bahasa Indonesia", "Wawancara baru", `Rujuk ke sebuah layanan\?`, `biasa \(2 minggu\)`, `1 rujukan dibuat`, `Rujukan \(1 terbuka\)`},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			field, _ := referralPair(t)
			if tc.lang != "English" {
				field.run("", "settings", "--language", "id")
			}
			tm := field.start()
			tm.wait(`Unlock the vault at|Buka brankas di`)
			tm.keys("text:"+sessionPass, "Enter")
			tm.wait(tc.menu)
			tm.shortIntake(tc.lang)
			tm.wait(`(Record|Catatan) [0-9a-f]{8}`)
			tm.keys("Enter")
			scr := tm.wait(tc.title + `[\s\S]*\[ \] Rumah Aman Pelangi`)
			// Health was not agreed, and LBH is run by no partner.
			for _, not := range []string{"Klinik Pelangi", "LBH Medan"} {
				if strings.Contains(scr, not) {
					t.Errorf("the suggestions offer %s:\n%s", not, scr)
				}
			}
			tm.keys("x", "Enter")
			tm.wait(`> ` + tc.normal)
			tm.keys("Enter")
			tm.wait(tc.made)
			tm.choose(tc.referrals)
			tm.wait(`[0-9a-f]{8}  (to|ke) Yayasan Pelangi  Rumah Aman Pelangi  (sent|terkirim)`)
			tm.keys("Escape")
			tm.wait(`EXIT=0`)
			out := field.run("", "referrals", "list", "--json")
			if !strings.Contains(out, `"priority": "normal"`) || !strings.Contains(out, `"id": "pelangi-shelter"`) {
				t.Errorf("the referral reads:\n%s", out)
			}
		})
	}
}

// The referrals screen: the partner accepts a referral and marks it done
// with what was done; the field laptop sees the answer after one bundle.
func TestSessionReferralsScreen(t *testing.T) {
	for _, tc := range []struct {
		lang, list, accept, done, text, nowAccepted, nowDone string
	}{
		{"English", `Referrals \(1 open\)`, "Accept", "Mark done", `The reason, or what was done`, `is now accepted`, `is now done`},
		{"Bahasa Indonesia", `Rujukan \(1 terbuka\)`, "Terima", "Tandai selesai", `Alasannya, atau apa yang dilakukan`, `sekarang diterima`, `sekarang selesai`},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			field, partner := referralPair(t)
			ids := field.run(`{"schema": "referral-check", "answers": {"consent.interview": true, "consent.share": ["Yayasan Pelangi"], "consent.referral": ["shelter"], "shelter.needed_tonight": true}}`, "intake", "--answers", "-")
			id := strings.Fields(ids)[0]
			field.run("", "refer", id, "--service", "pelangi-shelter", "--priority", "urgent")
			usb := t.TempDir()
			bundle := strings.Fields(field.run("", "export", "--to", "Yayasan Pelangi", "--out", usb))[0]
			partner.run("", "import", bundle)
			if tc.lang != "English" {
				partner.run("", "settings", "--language", "id")
			}

			tm := partner.start()
			tm.wait(`Unlock the vault at|Buka brankas di`)
			tm.keys("text:"+sessionPass, "Enter")
			tm.choose(tc.list)
			tm.choose(`[0-9a-f]{8}  (from|dari) Field team  Rumah Aman Pelangi  (sent|terkirim)`)
			scr := tm.wait(`> ` + tc.accept)
			if strings.Contains(scr, "Revoke") || strings.Contains(scr, "Cabut") {
				t.Errorf("the receiver is offered to revoke:\n%s", scr)
			}
			tm.keys("Enter")
			tm.wait(tc.nowAccepted)
			tm.choose(`[0-9a-f]{8}  (from|dari) Field team`)
			tm.choose(tc.done)
			tm.wait(tc.text)
			tm.keys("text:A room; seen by a nurse", "Enter")
			tm.wait(tc.nowDone)
			tm.keys("Escape")
			tm.wait(`EXIT=0`)

			back := strings.Fields(partner.run("", "export", "--to", "Field team", "--out", usb))[0]
			field.run("", "import", back)
			out := field.run("", "referrals", "list", "--state", "done")
			if !strings.Contains(out, "A room; seen by a nurse") {
				t.Errorf("the field laptop reads:\n%s", out)
			}
		})
	}
}

// The accessible home (numbered plain lines, for screen readers) has the
// referrals too: the partner declines one, and a decline needs a reason.
func TestSessionAccessibleReferrals(t *testing.T) {
	field, partner := referralPair(t)
	ids := field.run(`{"schema": "referral-check", "answers": {"consent.interview": true, "consent.share": ["Yayasan Pelangi"], "consent.referral": ["shelter"], "shelter.needed_tonight": true}}`, "intake", "--answers", "-")
	field.run("", "refer", strings.Fields(ids)[0], "--service", "pelangi-shelter", "--priority", "normal")
	bundle := strings.Fields(field.run("", "export", "--to", "Yayasan Pelangi", "--out", t.TempDir()))[0]
	partner.run("", "import", bundle)

	tm := startTmux(t, append(partner.env, "FIELDVAULT_PASSPHRASE='"+sessionPass+"'"), partner.bin+" --accessible")
	send := func(lines ...string) {
		for _, l := range lines {
			if l != "" {
				tm.keys("text:" + l)
			}
			tm.keys("Enter")
		}
	}
	tm.wait(`10\) Referrals`)
	send("10")
	tm.wait(`1\) [0-9a-f]{8}  from Field team  Rumah Aman Pelangi  sent`)
	send("1")
	tm.wait(`1\) Accept[\s\S]*2\) Decline, with a reason`)
	send("2")
	tm.wait(`The reason, or what was done`)
	send("")
	tm.wait(`Say why, for the sender`)
	send("No room this week")
	tm.wait(`Referral [0-9a-f]{8} is now declined`)
	send("8")
	tm.wait(`EXIT=0`)
	if out := partner.run("", "referrals", "list", "--state", "declined"); !strings.Contains(out, "No room this week") {
		t.Errorf("the partner's referrals:\n%s", out)
	}
}
