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

	"github.com/fieldvault/fieldvault/cmd/catalog"
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
		Use:           "fieldvault",
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
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cobraUsageErr(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.vaultFlag, "vault", "", "")
	pf.StringVar(&a.passphraseFile, "passphrase-file", "", "")
	pf.BoolVar(&a.accessibleFlag, "accessible", false, "")
	pf.StringVar(&a.langFlag, "lang", "", "")
	root.Flags().StringVar(&a.idleFlag, "idle-lock", "", "")
	root.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions(catalog.Languages(), cobra.ShellCompDirectiveNoFileComp))
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if a.langFlag != "" && !catalog.Supported(a.langFlag) {
			return usageErr("usage.bad_lang", "--lang", strings.Join(catalog.Languages(), ", "), a.langFlag)
		}
		return nil
	}

	root.AddCommand(
		newInitCmd(a),
		newListCmd(a),
		newShowCmd(a),
		newIntakeCmd(a),
		newResumeCmd(a),
		newFollowupCmd(a),
		newSchemaCmd(a),
		newCardCmd(a),
		newContactCmd(a),
		newExportCmd(a),
		newCasesCmd(a),
		newStatsCmd(a),
		newImportCmd(a),
		newVerifyCmd(a),
		newWithdrawCmd(a),
		newServicesCmd(a),
		newReferCmd(a),
		newReferralsCmd(a),
		newCaseCmd(a),
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
	// cobra's arg validators return plain English errors; make them
	// usage errors in the interface language.
	wrapArgs(root)
	a.localizeHelp(root)
	return root
}

func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		inner := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := inner(cmd, args); err != nil {
				return cobraUsageErr(err)
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
		Use:  "version",
		Args: cobra.NoArgs,
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
		return "", errorf("errors.no_data_folder", err)
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
