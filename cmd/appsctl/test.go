package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/appcheck"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// testFlags select the app to check.
type testFlags struct {
	appID   string
	version string
}

func (a *app) testCommand() *cobra.Command {
	var fl testFlags
	cmd := &cobra.Command{
		Use:   "test [lambda|s3|list]",
		Short: "Check deployed apps with the invoke credentials Mattermost uses",
		Long: "test checks what Mattermost will see, using MM_APPS_AWS_ACCESS_KEY and MM_APPS_AWS_SECRET_KEY:\n" +
			"  list    lists the manifests in the bucket\n" +
			"  s3      reads each app's manifest and static assets\n" +
			"  lambda  pings each app's function\n" +
			"Without a sub-command it runs all three. Without --app, every app is checked at its\n" +
			"listed (highest) version.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runTests(cmd, fl, "list", "s3", "lambda")
		},
	}
	cmd.PersistentFlags().StringVar(&fl.appID, "app", "", "check only this app ID")
	cmd.PersistentFlags().StringVar(&fl.version, "version", "", "check this version of --app (default: its highest)")
	sub := func(name, short string) *cobra.Command {
		return &cobra.Command{
			Use:   name,
			Short: short,
			Args:  cobra.NoArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return a.runTests(cmd, fl, name) },
		}
	}
	cmd.AddCommand(
		sub("lambda", "Ping each app's function"),
		sub("s3", "Read each app's manifest and static assets"),
		sub("list", "List the manifests in the bucket"),
	)
	return cmd
}

// runTests runs the named checks in order and fails if any failed.
func (a *app) runTests(cmd *cobra.Command, fl testFlags, names ...string) error {
	if fl.version != "" && fl.appID == "" {
		return usagef("--version needs --app")
	}
	clients, err := a.cfg.clients(invokeKey)
	if err != nil {
		return err
	}
	store := s3store.New(clients.S3(), a.cfg.Bucket)
	invoker := lambdainvoke.New(clients.Lambda(lambdainvoke.ClientOptions), lambdainvoke.Options{})
	checker := appcheck.New(store, invoker, a.p)
	ctx := cmd.Context()
	var errs []error
	for _, name := range names {
		if len(names) > 1 {
			a.p.Infof("== %s", name)
		}
		if name == "list" {
			errs = append(errs, checker.List(ctx))
			continue
		}
		targets, err := checker.Targets(ctx, fl.appID, fl.version)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if name == "s3" {
			errs = append(errs, checker.S3(ctx, targets))
		} else {
			errs = append(errs, checker.Lambda(ctx, targets))
		}
	}
	return explain(errors.Join(errs...), invokeKey)
}
