package main

import (
	"errors"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/awslogs"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// logsFlags are the flags of `aws logs`.
type logsFlags struct {
	appID    string
	version  string
	function string
	since    string
	follow   bool
}

func (a *app) logsCommand() *cobra.Command {
	var fl logsFlags
	cmd := &cobra.Command{
		Use:   "logs --app <id> [--version <v>] [--function <name>] [--since 1h] [--follow]",
		Short: "Print the app's function logs from CloudWatch Logs",
		Long: "logs prints the CloudWatch Logs of the app's Lambda functions (log groups /aws/lambda/<function\n" +
			"name>) for every version of the app in the bucket, or --version, merged by time, one line per\n" +
			"event: <time> <function> <message>. --function keeps one function (its name in the manifest).\n" +
			"--since takes a duration (15m, 1h, 2d) or an RFC 3339 time. --follow keeps printing new events\n" +
			"every 2 seconds until Ctrl-C.\n\n" +
			"Needs MM_APPS_DEPLOY_AWS_ACCESS_KEY and MM_APPS_DEPLOY_AWS_SECRET_KEY, allowed " + awslogs.Permission + "\n" +
			"on the functions' log groups (and to read the bucket). " + awslogs.EnvEndpoint + " (or\n" +
			"AWS_ENDPOINT_URL) points it at another CloudWatch Logs endpoint.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runLogs(cmd, fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.appID, "app", "", "the app ID (required)")
	f.StringVar(&fl.version, "version", "", "only this version of the app (default: every version in the bucket)")
	f.StringVar(&fl.function, "function", "", "only this function (its name in the manifest)")
	f.StringVar(&fl.since, "since", "1h", "first events to print: a duration before now (15m, 1h, 2d) or an RFC 3339 time")
	f.BoolVarP(&fl.follow, "follow", "f", false, "keep printing new events until interrupted (Ctrl-C)")
	return cmd
}

// runLogs resolves the app's functions and prints their logs.
func (a *app) runLogs(cmd *cobra.Command, fl logsFlags) error {
	if strings.TrimSpace(fl.appID) == "" {
		return usagef("--app is required: the ID of the app whose logs to print")
	}
	since, err := awslogs.ParseSince(fl.since, time.Now())
	if err != nil {
		return usageError{err}
	}
	clients, err := a.cfg.clients(deployKey)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	store := s3store.New(clients.S3(), a.cfg.Bucket)
	sources, err := awslogs.Sources(ctx, store, fl.appID, fl.version, fl.function, a.p)
	if err != nil {
		return explain(err, deployKey)
	}
	api := awslogs.NewClient(clients, strings.TrimSpace(a.getenv(awslogs.EnvEndpoint)))
	err = awslogs.Run(ctx, api, sources, a.out, a.p, awslogs.Options{Region: a.cfg.Region, Since: since, Follow: fl.follow})
	var denied *awslogs.AccessError
	if errors.As(err, &denied) {
		return err // names the permission already
	}
	return explain(err, deployKey)
}
