package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fieldvault/fieldvault/vault"
)

// version is stamped by `make build` with -ldflags "-X main.version=…".
var version = ""

// streams are a command's standard input and outputs, and its environment.
// Tests swap them; everything user-facing goes through them.
type streams struct {
	in     *os.File
	out    io.Writer
	err    io.Writer
	getenv func(string) string
	// inTTY is whether standard input is a terminal a person types into.
	inTTY bool
}

func newIO() *streams {
	return &streams{
		in:     os.Stdin,
		out:    os.Stdout,
		err:    os.Stderr,
		getenv: os.Getenv,
		inTTY:  term.IsTerminal(int(os.Stdin.Fd())),
	}
}

// app is what every command shares: the streams and the global flags.
type app struct {
	*streams
	vaultFlag      string
	passphraseFile string
	accessibleFlag bool
	// langFlag is --lang; vaultLang the unlocked vault's language setting.
	langFlag  string
	vaultLang string
	// idleFlag is --idle-lock, the session's idle time before it locks.
	idleFlag string
}

const helpExitCodes = `Exit codes:
  0   ok
  1   error
  2   usage: a wrong flag, argument or setting
  10  no vault at that path
  11  vault in use by another process
  12  wrong passphrase
  13  bundle or receipt rejected
  130 cancelled (Ctrl+C)

Environment:
  FIELDVAULT_VAULT             vault file (instead of --vault)
  FIELDVAULT_PASSPHRASE_FILE   file whose first line is the passphrase
  FIELDVAULT_PASSPHRASE        the passphrase itself, for automation
  FIELDVAULT_NEW_PASSPHRASE_FILE, FIELDVAULT_NEW_PASSPHRASE
                               a new passphrase, for init and passphrase add/change
  FIELDVAULT_KDF_WORK_FACTOR   scrypt work factor for new passphrases (10 to 22, default 18)
  FIELDVAULT_ACCESSIBLE=1      plain line-by-line prompts (as --accessible; also TERM=dumb)
  FIELDVAULT_IDLE_LOCK         idle time before the session locks (default 5m)
  NO_COLOR                     no colours
  LC_ALL, LC_MESSAGES, LANG    interface language when neither --lang nor the vault's setting says
`

// run executes the command line and returns the process exit code.
func run(args []string, s *streams) int {
	a := &app{streams: s}
	root := newRootCmd(a)
	root.SetArgs(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err != nil {
		return a.report(err)
	}
	return 0
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "fieldvault",
		Short: "Consent-first intake for survivors of trafficking, encrypted on this laptop",
		Long: `fieldvault records, with a survivor's consent, what they need in the first
hours after a rescue: safe shelter, food, clothing, emergency medical care,
and what comes next. Every answer is encrypted on this laptop; sealed
bundles carry records to partner organizations on a USB stick.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runHome(cmd)
		},
	}
	root.SetOut(a.out)
	root.SetErr(a.err)
	root.SetIn(a.in)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%s", err.Error()) })
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + helpExitCodes)
	pf := root.PersistentFlags()
	pf.StringVar(&a.vaultFlag, "vault", "", "vault `file` (default: your data folder, or $FIELDVAULT_VAULT)")
	pf.StringVar(&a.passphraseFile, "passphrase-file", "", "read the passphrase from the first line of `file`")
	pf.BoolVar(&a.accessibleFlag, "accessible", false, "plain line-by-line prompts, for screen readers (or FIELDVAULT_ACCESSIBLE=1)")
	pf.StringVar(&a.langFlag, "lang", "", "interface `language`: en (English) or id (Bahasa Indonesia); default: the vault's setting, then the OS locale")
	root.Flags().StringVar(&a.idleFlag, "idle-lock", "", "lock the session after this idle `time`, e.g. 5m or 90s (default 5m, or $FIELDVAULT_IDLE_LOCK)")
	root.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions(uiLanguages, cobra.ShellCompDirectiveNoFileComp))
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if a.langFlag != "" && !supportedLang(a.langFlag) {
			return usageErr("--lang must be en or id, not %q", a.langFlag)
		}
		return nil
	}

	root.AddCommand(
		newInitCmd(a),
		newListCmd(a),
		newShowCmd(a),
		newIntakeCmd(a),
		newResumeCmd(a),
		newSchemaCmd(a),
		newCardCmd(a),
		newContactCmd(a),
		newExportCmd(a),
		newCasesCmd(a),
		newStatsCmd(a),
		newImportCmd(a),
		newVerifyCmd(a),
		newWithdrawCmd(a),
		newWipeCmd(a),
		newPurgeCmd(a),
		newKeyCmd(a),
		newPassphraseCmd(a),
		newAuditCmd(a),
		newOutboxCmd(a),
		newSettingsCmd(a),
		newGenManCmd(a),
		newVersionCmd(a),
	)
	// cobra's arg validators return plain errors; make them usage errors.
	wrapArgs(root)
	a.localizeHelp(root)
	return root
}

func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		inner := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := inner(cmd, args); err != nil {
				return usageErr("%s", err.Error())
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// runHome is `fieldvault` with no arguments: the field session in a
// terminal. With no terminal it prints help and exits 2 rather than wait for
// input that will never come.
func (a *app) runHome(cmd *cobra.Command) error {
	if !a.inTTY {
		cmd.SetOut(a.err)
		cmd.Help()
		return errSilentUsage
	}
	if a.accessible() {
		// The session's screens are drawn; this is the same home in
		// numbered plain lines.
		return a.runPlainHome(cmd.Context())
	}
	return a.runSession(cmd.Context())
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print fieldvault's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(a.out, "fieldvault", versionString())
			return nil
		},
	}
}

func versionString() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "devel"
	}
	goVersion := "unknown"
	if ok {
		goVersion = info.GoVersion
	}
	return fmt.Sprintf("%s (%s)", v, goVersion)
}

// printJSON writes v as indented JSON on standard output.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// vaultPath is --vault, then $FIELDVAULT_VAULT, then the OS default.
func (a *app) vaultPath() (string, error) {
	if a.vaultFlag != "" {
		return a.vaultFlag, nil
	}
	if p := a.getenv("FIELDVAULT_VAULT"); p != "" {
		return p, nil
	}
	p, err := vault.DefaultPath(a.getenv)
	if err != nil {
		return "", fmt.Errorf("cannot find your data folder: %w", err)
	}
	return p, nil
}

// readLine reads one line a byte at a time, so nothing after it is consumed
// from a shared standard input.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimSuffix(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err == io.EOF {
			if b.Len() == 0 {
				return "", io.EOF
			}
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
	}
}
