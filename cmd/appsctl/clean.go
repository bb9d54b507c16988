package main

import (
	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/awsclean"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

func (a *app) cleanCommand() *cobra.Command {
	var (
		o             awsclean.Options
		all           bool
		appID, appVer string
	)
	cmd := &cobra.Command{
		Use:   "clean [--all | --app <id> [--version <v>]]",
		Short: "Remove apps, or what `aws init` created",
		Long: "clean without flags removes what `aws init` created: the invoke user (and its access keys),\n" +
			"group, policy and the execution role; it refuses while apps are deployed.\n" +
			"--app removes an app (all versions, or --version): its manifests, functions, static\n" +
			"assets and its functions' entries in the invoke policy. For a --version without manifest\n" +
			"(a failed deploy) the functions are found by name; functions and assets that belong to\n" +
			"another app version (named by its manifest or, for functions, by their description) are kept.\n" +
			"--all removes every app and then what `aws init` created. The bucket is always kept.\n\n" +
			"Needs MM_APPS_DEPLOY_AWS_ACCESS_KEY and MM_APPS_DEPLOY_AWS_SECRET_KEY.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case all && appID != "":
				return usagef("--all and --app cannot be used together")
			case appVer != "" && appID == "":
				return usagef("--version needs --app")
			}
			clients, err := a.cfg.clients(deployKey)
			if err != nil {
				return err
			}
			o.Region, o.Bucket = a.cfg.Region, a.cfg.Bucket
			c := awsclean.Clients{IAM: clients.IAM(), Lambda: clients.Lambda(), S3: clients.S3(), STS: clients.STS()}
			var res *awsclean.Result
			switch {
			case all:
				res, err = awsclean.All(cmd.Context(), c, o, a.p)
			case appID != "":
				res, err = awsclean.App(cmd.Context(), c, o, appID, appVer, a.p)
			default:
				res, err = awsclean.IAM(cmd.Context(), c, o, a.p)
			}
			if err != nil {
				return explain(err, deployKey)
			}
			if len(res.Removed) == 0 {
				a.p.Infof("Nothing to remove.")
			} else {
				a.p.Infof("Removed %d item(s).", len(res.Removed))
			}
			if len(res.Kept) > 0 {
				a.p.Infof("Kept %d item(s) that belong to other app versions (see the warnings for why).", len(res.Kept))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "remove every app, then what `aws init` created")
	f.StringVar(&appID, "app", "", "remove this app only (the invoke policy is kept)")
	f.StringVar(&appVer, "version", "", "with --app: remove only this version")
	f.StringVar(&o.UserName, "user", awsnames.DefaultUserName, "IAM user to remove")
	f.StringVar(&o.GroupName, "group", awsnames.DefaultGroupName, "IAM group to remove")
	f.StringVar(&o.PolicyName, "policy", awsnames.DefaultPolicyName, "IAM invoke policy")
	f.StringVar(&o.ExecuteRoleName, "execute-role", awsnames.DefaultExecuteRoleName, "IAM execution role to remove")
	return cmd
}
