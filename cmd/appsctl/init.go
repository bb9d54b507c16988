package main

import (
	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/awsinit"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

func (a *app) initCommand() *cobra.Command {
	var o awsinit.Options
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Prepare the AWS account: bucket, invoke user, group, policy and execution role",
		Long: "init checks that the apps bucket, the invoke user, group and policy and the Lambda\n" +
			"execution role exist and are attached to each other. With --create it creates what is\n" +
			"missing; without it, it lists what is missing and fails. Running it again changes nothing.\n\n" +
			"Needs MM_APPS_DEPLOY_AWS_ACCESS_KEY and MM_APPS_DEPLOY_AWS_SECRET_KEY.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clients, err := a.cfg.clients(deployKey)
			if err != nil {
				return err
			}
			o.Region, o.Bucket = a.cfg.Region, a.cfg.Bucket
			res, err := awsinit.Run(cmd.Context(), awsinit.Clients{IAM: clients.IAM(), S3: clients.S3(), STS: clients.STS()}, o, a.p)
			if err != nil {
				return explain(err, deployKey)
			}
			a.printInit(o, res)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Create, "create", false, "create the resources that do not exist (including the bucket)")
	f.BoolVar(&o.CreateAccessKey, "create-access-key", false, "create an access key for the invoke user and print it (once)")
	f.StringVar(&o.UserName, "user", awsnames.DefaultUserName, "IAM user Mattermost invokes apps as")
	f.StringVar(&o.GroupName, "group", awsnames.DefaultGroupName, "IAM group of the invoke user")
	f.StringVar(&o.PolicyName, "policy", awsnames.DefaultPolicyName, "IAM policy that lets the group invoke the apps")
	f.StringVar(&o.ExecuteRoleName, "execute-role", awsnames.DefaultExecuteRoleName, "IAM role the Lambda functions run as")
	return cmd
}

func (a *app) printInit(o awsinit.Options, res *awsinit.Result) {
	p := a.p
	if len(res.Changes) == 0 {
		p.Infof("Nothing changed: everything exists and is attached.")
	} else {
		p.Infof("%d change(s) made.", len(res.Changes))
	}
	p.Infof("Ready to deploy AWS Lambda Mattermost Apps:")
	p.Infof("  invoke user:   %s", res.UserARN)
	p.Infof("  invoke group:  %s", res.GroupARN)
	p.Infof("  invoke policy: %s", res.PolicyARN)
	p.Infof("  execute role:  %s", res.RoleARN)
	p.Infof("  bucket:        %s (%s)", o.Bucket, o.Region)
	p.Infof("Start the Mattermost server with:")
	p.Infof("  export %s=%s", envRegion, o.Region)
	p.Infof("  export %s=%s", envBucket, o.Bucket)
	if k := res.AccessKey; k != nil {
		// Printed once, on purpose, and never redacted.
		p.Secret("  export " + envInvokeAccessKey + "=" + k.ID)
		p.Secret("  export " + envInvokeSecretKey + "=" + k.Secret)
		p.Infof("The secret key is shown only this once: store it now.")
		return
	}
	p.Infof("  and %s / %s set to an access key of IAM user %s", envInvokeAccessKey, envInvokeSecretKey, o.UserName)
	p.Infof("  (run `appsctl aws init --create-access-key` to create one).")
}
