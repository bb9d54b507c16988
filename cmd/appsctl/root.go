package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// streams are the process's outputs and environment; tests replace them.
type streams struct {
	out      io.Writer
	errOut   io.Writer
	getenv   func(string) string
	terminal bool
}

// app holds what every command needs.
type app struct {
	streams
	cfg     config
	verbose bool
	quiet   bool
	p       *report.Printer
	// started is set once flags and arguments were accepted, so that an
	// error before it is a usage error.
	started bool
}

// usageError marks errors in how appsctl was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usagef(msg string) error {
	return usageError{errors.New(msg)}
}

// run executes appsctl with args and returns the exit status.
func run(ctx context.Context, args []string, s streams) int {
	a := &app{streams: s, cfg: loadConfig(s.getenv)}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var usage usageError
	if !a.started || errors.As(err, &usage) {
		_, _ = fmt.Fprintf(s.errOut, "Error: %s\nRun '%s --help' for usage.\n", a.cfg.redact(err.Error()), cmd.CommandPath())
		return exitUsage
	}
	_, _ = fmt.Fprintf(s.errOut, "Error: %s\n", a.cfg.redact(err.Error()))
	return exitFailure
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "appsctl",
		Short: "Deploy Mattermost Apps to your AWS account as Lambda functions",
		Long: "appsctl deploys Mattermost Apps to your own AWS account as Lambda functions, for the\n" +
			"Lambda Apps plugin (lambda-apps).\n\n" +
			"Start with `appsctl aws init --create`, then `appsctl aws deploy <bundle.zip>` for each\n" +
			"app release.\n\n" + envHelp,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.verbose && a.quiet {
				return usagef("--verbose and --quiet cannot be used together")
			}
			a.p = report.New(a.out, a.errOut, report.Options{
				Verbose: a.verbose, Quiet: a.quiet, Terminal: a.terminal, Redact: a.cfg.redact,
			})
			a.started = true
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "print debug output on stderr")
	root.PersistentFlags().BoolVarP(&a.quiet, "quiet", "q", false, "print only errors, warnings and requested data")
	root.AddCommand(
		a.versionCommand(),
		a.awsCommand(),
		a.generateTerraformDataCommand("generate-terraform-data"),
		a.terraformCommand(),
	)
	return root
}

// group returns a command that only holds sub-commands: without one it
// prints help, with an unknown one it fails.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(subs...)
	return cmd
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of appsctl",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.out, "appsctl %s\n", version)
			return err
		},
	}
}

func (a *app) awsCommand() *cobra.Command {
	return group("aws", "Set up AWS, deploy apps to it, test and clean up",
		a.initCommand(),
		a.deployCommand(),
		a.testCommand(),
		a.cleanCommand(),
		a.validateCommand(),
		a.logsCommand(),
	)
}

// explain adds what to do to errors the admin can fix in the environment.
func explain(err error, kind credentialsKind) error {
	switch {
	case err == nil:
		return nil
	case awsaccount.IsCredentialsError(err):
		return fmt.Errorf("%w\nAWS rejected the access key: check %s and %s (%s) and %s", err,
			kind.accessVar, kind.secretVar, kind.what, envRegion)
	case awsaccount.IsAccessDenied(err):
		return fmt.Errorf("%w\nThe key in %s is not allowed to do this: use %s with the needed permissions", err,
			kind.accessVar, kind.what)
	case isNetworkError(err):
		return fmt.Errorf("%w\nAWS could not be reached: check the network, %s, and AWS_ENDPOINT_URL if you use one", err, envRegion)
	}
	return err
}

// isNetworkError reports whether err comes from a connection that failed.
func isNetworkError(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr)
}

// exactArgs is cobra.ExactArgs with a message that names the argument.
func exactArgs(name string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("missing argument %s", name)
		case len(args) > 1:
			return fmt.Errorf("expected only %s, got %d arguments: %s", name, len(args), strings.Join(args, " "))
		}
		return nil
	}
}
