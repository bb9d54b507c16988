package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lambda-apps/lambda-apps/appsctl/deploy"
	"github.com/lambda-apps/lambda-apps/appsctl/mmnotify"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// deployFlags are the flags of `aws deploy` that need parsing.
type deployFlags struct {
	install bool
	grant   bool
	env     []string
	envSet  bool
}

func (a *app) deployCommand() *cobra.Command {
	o := deploy.Options{}
	var fl deployFlags
	cmd := &cobra.Command{
		Use:   "deploy <bundle.zip>",
		Short: "Deploy an app bundle: static assets, Lambda functions, invoke policy, manifest",
		Long: "deploy uploads the bundle's static assets, creates its Lambda functions (or with --update\n" +
			"replaces their code and configuration), lets the invoke policy invoke them, and uploads\n" +
			"the manifest last. When MM_SERVICESETTINGS_SITEURL and MM_ADMIN_TOKEN are set it then\n" +
			"tells Mattermost to refresh its app list, and with --install to install the app.\n" +
			"When the app is installed already and this version asks for permissions or locations\n" +
			"it was not granted, --install stops and names them; --grant consents to them.\n\n" +
			"AWS Lambda no longer accepts go1.x: a go1.x function whose package holds its handler as a\n" +
			"Linux executable built with aws-lambda-go v1.18.0 or later is deployed as provided.al2023,\n" +
			"with a copy of that executable named bootstrap (--keep-runtime turns this off).\n\n" +
			"Needs MM_APPS_DEPLOY_AWS_ACCESS_KEY and MM_APPS_DEPLOY_AWS_SECRET_KEY.",
		Args: exactArgs("<bundle.zip>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.BundlePath = args[0]
			fl.envSet = cmd.Flags().Changed("env")
			mm, err := a.prepareDeploy(&o, fl)
			if err != nil {
				return err
			}
			clients, err := a.cfg.clients(deployKey)
			if err != nil {
				return err
			}
			o.Region, o.Bucket = a.cfg.Region, a.cfg.Bucket
			res, err := deploy.Run(cmd.Context(), deploy.Clients{
				Lambda: clients.Lambda(), S3: clients.S3(), IAM: clients.IAM(), STS: clients.STS(),
			}, o, a.p)
			if err != nil {
				return explain(err, deployKey)
			}
			a.printDeploy(res)
			return a.notify(cmd, mm, res, fl)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&fl.install, "install", false, "install the app on Mattermost after deploying (needs MM_SERVICESETTINGS_SITEURL and MM_ADMIN_TOKEN)")
	f.BoolVar(&fl.grant, "grant", false, "with --install: consent to the permissions and locations this version asks for that the installed app was not granted")
	f.BoolVar(&o.Update, "update", false, "replace the code and configuration of functions that exist")
	f.StringVar(&o.PolicyName, "policy", awsnames.DefaultPolicyName, "IAM policy that lets Mattermost invoke the apps")
	f.StringVar(&o.ExecuteRoleName, "execute-role", awsnames.DefaultExecuteRoleName, "IAM role the functions run as")
	f.StringArrayVar(&fl.env, "env", nil, "function environment, KEY=VALUE[,KEY=VALUE...] (repeatable); replaces the functions' environment")
	f.Int32Var(&o.Timeout, "timeout", deploy.DefaultTimeout, fmt.Sprintf("function timeout in seconds (1-%d)", deploy.MaxTimeout))
	f.Int32Var(&o.Memory, "memory", deploy.DefaultMemory, fmt.Sprintf("function memory in MB (%d-%d)", deploy.MinMemory, deploy.MaxMemory))
	f.StringVar(&o.Architecture, "architecture", deploy.DefaultArchitecture, "function architecture: x86_64 or arm64 (a migrated go1.x function gets its binary's)")
	f.BoolVar(&o.KeepRuntime, "keep-runtime", false, "deploy go1.x functions as go1.x instead of migrating them to provided.al2023")
	return cmd
}

// prepareDeploy checks the flags and the Mattermost settings before
// anything is deployed.
func (a *app) prepareDeploy(o *deploy.Options, fl deployFlags) (*mmnotify.Client, error) {
	var problems []error
	if fl.envSet {
		env, err := deploy.ParseEnv(fl.env)
		problems = append(problems, err)
		o.Env = env
	}
	if fl.grant && !fl.install {
		problems = append(problems, errors.New("--grant needs --install: it consents to what the app asks for when Mattermost installs it"))
	}
	problems = append(problems, o.Validate())
	if err := errors.Join(problems...); err != nil {
		return nil, usageError{err}
	}
	mm, err := a.cfg.mattermost()
	switch {
	case err != nil && fl.install:
		return nil, fmt.Errorf("--install needs Mattermost: %w", err)
	case err != nil:
		a.p.Warnf("%v; Mattermost will not be notified", err)
		return nil, nil
	case mm == nil && fl.install:
		return nil, fmt.Errorf("--install needs Mattermost: %w; and %w",
			errMissingVar(mmnotify.EnvSiteURL, "the Mattermost site URL"),
			errMissingVar(mmnotify.EnvToken, "a personal access token of a Mattermost system admin"))
	}
	return mm, nil
}

func (a *app) printDeploy(res *deploy.Result) {
	p := a.p
	created, updated := 0, 0
	for _, f := range res.Functions {
		if f.Action == "created" {
			created++
		} else {
			updated++
		}
	}
	p.Infof("")
	p.Infof("Deployed %s %s to AWS (%s):", res.AppID, res.Version, res.Region)
	p.Infof("  static assets: %d uploaded to s3://%s/%s", len(res.Assets), res.Bucket, awsnames.StaticPrefix(res.AppID, res.Version))
	p.Infof("  functions:     %d created, %d updated, running as %s", created, updated, res.RoleARN)
	for _, f := range res.Functions {
		p.Infof("    %s: %s", f.Name, f.ARN)
	}
	if res.Policy != nil {
		p.Infof("  invoke policy: %s (version %s, %d function(s) in all)", res.PolicyARN, res.Policy.VersionID, len(res.Policy.Document.LambdaARNs()))
		if a.verbose {
			if doc, err := res.Policy.Document.Marshal(); err == nil {
				p.Debugf("invoke policy document: %s", doc)
			}
		}
	}
	p.Infof("  manifest:      s3://%s/%s", res.Bucket, res.ManifestKey)
	p.Infof("IAM changes can take a minute to reach Lambda; `appsctl aws test lambda --app %s` checks the app.", res.AppID)
}

// notify tells Mattermost about the deploy, or says how to.
func (a *app) notify(cmd *cobra.Command, mm *mmnotify.Client, res *deploy.Result, fl deployFlags) error {
	hint := fmt.Sprintf("/apps install listed %s", res.AppID)
	if mm == nil {
		a.p.Infof("Mattermost was not notified (%s and %s are not set).", mmnotify.EnvSiteURL, mmnotify.EnvToken)
		a.p.Infof("In Mattermost, run `/apps refresh` (or wait for the next catalog refresh), then `%s`.", hint)
		return nil
	}
	if err := mm.Refresh(cmd.Context()); err != nil {
		return fmt.Errorf("the app was deployed, but %w\nIn Mattermost, run `/apps refresh`, then `%s`", err, hint)
	}
	a.p.Infof("Mattermost at %s refreshed its app list.", mm.SiteURL())
	if !fl.install {
		a.p.Infof("To install the app, run in Mattermost: %s", hint)
		return nil
	}
	err := mm.InstallApp(cmd.Context(), mmnotify.InstallRequest{AppID: res.AppID, Version: res.Version, Grant: fl.grant})
	var me *mmnotify.Error
	switch {
	case errors.Is(err, mmnotify.ErrConsentRequired) && errors.As(err, &me):
		return fmt.Errorf("the app was deployed and listed, but not installed: %s %s asks for what the installed version %s was not granted: %s.\n"+
			"To consent, run this deploy again with --install --grant (and --update: the functions exist now), "+
			"or run `%s --version %s` in Mattermost, which shows what the app asks for", res.AppID, res.Version, me.InstalledVersion,
			describeNew(me.NewPermissions, me.NewLocations), hint, res.Version)
	case err != nil:
		return fmt.Errorf("the app was deployed and listed, but %w\nIn Mattermost, run `%s`", err, hint)
	case fl.grant:
		a.p.Infof("Installed %s %s on Mattermost, granting what it asks for.", res.AppID, res.Version)
	default:
		a.p.Infof("Installed %s %s on Mattermost.", res.AppID, res.Version)
	}
	return nil
}

// describeNew lists permissions and locations: "permissions a, b;
// locations /c".
func describeNew(perms, locs []string) string {
	var parts []string
	if len(perms) > 0 {
		parts = append(parts, "permissions "+strings.Join(perms, ", "))
	}
	if len(locs) > 0 {
		parts = append(parts, "locations "+strings.Join(locs, ", "))
	}
	if len(parts) == 0 {
		return "(Mattermost did not say what)"
	}
	return strings.Join(parts, "; ")
}
