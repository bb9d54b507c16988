// Command appsctl deploys Mattermost Apps to the admin's own AWS account as
// Lambda functions, for the Lambda Apps plugin:
//
//	appsctl aws init [--create] [--create-access-key]
//	appsctl aws deploy <bundle.zip> [--install] [--update]
//	appsctl aws test [lambda|s3|list]
//	appsctl aws clean [--all] [--app <id> [--version <v>]]
//	appsctl aws validate <bundle.zip>
//	appsctl aws logs --app <id> [--version <v>] [--function <name>] [--since 1h] [--follow]
//	appsctl generate-terraform-data <bundle.zip>
//
// It is configured through environment variables (see `appsctl --help`).
// The exit status is 0 on success, 1 when a command fails and 2 when it is
// used wrongly.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	lambdaapps "github.com/lambda-apps/lambda-apps"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
)

// version is the plugin's (plugin.json): appsctl is released with it.
var version = lambdaapps.Version

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], streams{
		out:      os.Stdout,
		errOut:   os.Stderr,
		getenv:   os.Getenv,
		terminal: report.IsTerminal(os.Stdout),
	})
	stop()
	os.Exit(code)
}
