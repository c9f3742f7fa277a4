package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/sync/referral"
	"github.com/fieldvault/fieldvault/vault"
)

// maxNote bounds a note or reason: a few paragraphs, not a file.
const maxNote = 8 << 10

func newReferCmd(a *app) *cobra.Command {
	var service, priority, noteFile string
	cmd := &cobra.Command{
		Use:  "refer ID --service SERVICE --priority PRIORITY",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if service == "" {
				return usageErr("refer.needs_service")
			}
			p := referral.Priority(priority)
			if !slices.Contains(referral.Priorities, p) {
				return usageErr("refer.bad_priority", priority)
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				id, err := v.ResolveID(args[0])
				if err != nil {
					return err
				}
				d, err := directory(v)
				if err != nil {
					return err
				}
				svc, ok := d.Find(service)
				if !ok {
					return withHint(&vault.NotFoundError{Kind: "service", Name: service}, "hint.services_list")
				}
				r, err := sync.Refer(v, sync.ReferOptions{
					Record: id, Service: svc, Priority: p, Now: a.now(),
					Note: func() (string, error) { return a.readNote(noteFile, a.tr("refer.note_prompt")) },
				})
				if err != nil {
					return err
				}
				fmt.Fprintln(a.err, a.tr("refer.sent", r.ID[:8], svc.Name, r.Contact, a.tr("priority."+string(p))))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "")
	cmd.Flags().StringVar(&priority, "priority", "normal", "")
	cmd.Flags().StringVar(&noteFile, "note-file", "", "")
	cmd.RegisterFlagCompletionFunc("priority", cobra.FixedCompletions([]string{"emergency", "urgent", "normal"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newReferralsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "referrals", Args: cobra.NoArgs}
	var state string
	var overdue, asJSON bool
	list := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if state != "" && !slices.Contains(referral.States, referral.State(state)) {
				return usageErr("referrals.bad_state", state)
			}
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				now := a.now()
				all, err := sync.Referrals(v, now)
				if err != nil {
					return err
				}
				shown := slices.DeleteFunc(all, func(r *sync.Referral) bool {
					return state != "" && string(r.State) != state || overdue && !r.Overdue
				})
				if asJSON {
					return a.printJSON(orNone(shown))
				}
				if len(shown) == 0 {
					fmt.Fprintln(a.err, a.tr("referrals.none"))
					return nil
				}
				tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, a.tr("referrals.header"))
				for _, r := range shown {
					way := a.tr("referrals.to", r.Contact)
					if !r.Outgoing {
						way = a.tr("referrals.from", r.Contact)
					}
					late := ""
					if r.Overdue {
						late = a.tr("referrals.overdue")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID[:8], r.Record[:8], way, r.Service.ID,
						a.tr("priority."+string(r.Priority)), a.tr("referral.state_"+string(r.State)), a.age(now.Sub(r.Sent)), late, r.Text)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&state, "state", "", "")
	list.Flags().BoolVar(&overdue, "overdue", false, "")
	list.Flags().BoolVar(&asJSON, "json", false, "")
	list.RegisterFlagCompletionFunc("state", cobra.FixedCompletions([]string{"sent", "accepted", "declined", "done", "revoked"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(list)
	for _, m := range []struct {
		use   string
		to    referral.State
		text  string // the flag that reads its text, if it takes one
		asked string
	}{
		{"accept REF", referral.Accepted, "", ""},
		{"decline REF", referral.Declined, "reason-file", "referrals.reason_prompt"},
		{"done REF", referral.Done, "note-file", "referrals.done_prompt"},
		{"revoke REF", referral.Revoked, "", ""},
	} {
		var textFile string
		c := &cobra.Command{
			Use:  m.use,
			Args: cobra.ExactArgs(1),
			RunE: func(_ *cobra.Command, args []string) error {
				return a.withVault(vault.Options{}, func(v *vault.Vault) error {
					text := ""
					if m.text != "" {
						var err error
						if text, err = a.readNote(textFile, a.tr(m.asked)); err != nil {
							return err
						}
						// The sender needs to know why: a decline says so.
						if m.to == referral.Declined && text == "" {
							return usageErr("referrals.needs_reason")
						}
					}
					r, err := sync.Move(v, args[0], m.to, text, a.now())
					if err != nil {
						return err
					}
					fmt.Fprintln(a.err, a.tr("referrals.moved", r.ID[:8], a.tr("referral.state_"+string(r.State)), r.Contact))
					return nil
				})
			},
		}
		if m.text != "" {
			c.Flags().StringVar(&textFile, m.text, "", "")
		}
		cmd.AddCommand(c)
	}
	return cmd
}

// readNote reads a note from file ("-": standard input), else asks for one
// line at the terminal, else there is none. A note is sensitive: it never
// comes from a flag's value, which other users of the laptop can read.
func (a *app) readNote(file, prompt string) (string, error) {
	var r io.Reader
	switch {
	case file == "-":
		r = a.in
	case file != "":
		f, err := os.Open(file)
		if err != nil {
			return "", errorf("refer.cannot_read_note", err)
		}
		defer f.Close()
		r = f
	case a.inTTY:
		fmt.Fprint(a.err, prompt)
		line, err := bufio.NewReader(io.LimitReader(a.in, maxNote+1)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", errorf("refer.cannot_read_note", err)
		}
		return strings.TrimSpace(line), nil
	default:
		return "", nil
	}
	b, err := io.ReadAll(io.LimitReader(r, maxNote+1))
	if err != nil {
		return "", errorf("refer.cannot_read_note", err)
	}
	if len(b) > maxNote {
		return "", errorf("refer.note_too_long", maxNote)
	}
	return strings.TrimSpace(string(b)), nil
}

// now is the time, or FIELDVAULT_NOW (RFC 3339) in tests that need a
// fixed clock to say what is overdue.
func (a *app) now() time.Time {
	if s := a.getenv("FIELDVAULT_NOW"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	return time.Now()
}

// age says how long ago something was, in days, or hours under a day.
func (a *app) age(d time.Duration) string {
	if d < 24*time.Hour {
		return a.tr("referrals.hours", int(max(d, 0).Hours()))
	}
	return a.tr("referrals.days", int(d.Hours()/24))
}
