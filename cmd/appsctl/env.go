package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lambda-apps/lambda-apps/appsctl/mmnotify"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// Environment variables appsctl reads.
const (
	envDeployAccessKey = "MM_APPS_DEPLOY_AWS_ACCESS_KEY"
	envDeploySecretKey = "MM_APPS_DEPLOY_AWS_SECRET_KEY"
	envInvokeAccessKey = "MM_APPS_AWS_ACCESS_KEY"
	envInvokeSecretKey = "MM_APPS_AWS_SECRET_KEY"
	envRegion          = "MM_APPS_AWS_REGION"
	envBucket          = "MM_APPS_S3_BUCKET"
)

// envHelp documents the variables in `appsctl --help`.
const envHelp = `Environment:
  MM_APPS_DEPLOY_AWS_ACCESS_KEY, MM_APPS_DEPLOY_AWS_SECRET_KEY
                      privileged AWS key for aws init, deploy, clean and logs
  MM_APPS_AWS_ACCESS_KEY, MM_APPS_AWS_SECRET_KEY
                      the invoke key Mattermost uses; for aws test
  MM_APPS_AWS_REGION  AWS region (default us-east-1)
  MM_APPS_S3_BUCKET   bucket for manifests and static assets (default mattermost-apps-bucket)
  MM_SERVICESETTINGS_SITEURL, MM_ADMIN_TOKEN
                      Mattermost site and a system admin's access token; when set,
                      deploy tells the plugin to refresh (and install with --install)
  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, _LAMBDA, _IAM, _STS, _CLOUDWATCH_LOGS
                      endpoint overrides (S3-compatible stores, local stand-ins)`

// config is appsctl's configuration from the environment.
type config struct {
	Region     string
	Bucket     string
	Deploy     awsclient.Credentials
	Invoke     awsclient.Credentials
	SiteURL    string
	AdminToken string
	Endpoints  awsclient.Endpoints
}

// loadConfig reads the environment through getenv.
func loadConfig(getenv func(string) string) config {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	return config{
		Region: get(envRegion, awsnames.DefaultRegion),
		Bucket: get(envBucket, awsnames.DefaultBucket),
		Deploy: awsclient.Credentials{AccessKeyID: get(envDeployAccessKey, ""), SecretAccessKey: get(envDeploySecretKey, "")},
		Invoke: awsclient.Credentials{AccessKeyID: get(envInvokeAccessKey, ""), SecretAccessKey: get(envInvokeSecretKey, "")},
		// The token is a secret and the URL is used as is: only trim.
		SiteURL:    get(mmnotify.EnvSiteURL, ""),
		AdminToken: get(mmnotify.EnvToken, ""),
		Endpoints:  awsclient.EndpointsFromEnv(getenv),
	}
}

// redact masks every secret of the configuration in s.
func (c config) redact(s string) string {
	s = c.Deploy.Redact(s)
	s = c.Invoke.Redact(s)
	if len(c.AdminToken) >= 4 {
		s = strings.ReplaceAll(s, c.AdminToken, "********")
	}
	return s
}

// credentialsKind names a key pair and its variables.
type credentialsKind struct {
	what, accessVar, secretVar string
}

var (
	deployKey = credentialsKind{"the privileged deploy key", envDeployAccessKey, envDeploySecretKey}
	invokeKey = credentialsKind{"the invoke key (the one Mattermost uses)", envInvokeAccessKey, envInvokeSecretKey}
)

// clients returns AWS clients for the kind of credentials, or an error
// naming the variables that are not set.
func (c config) clients(kind credentialsKind) (*awsclient.Clients, error) {
	creds := c.Deploy
	if kind == invokeKey {
		creds = c.Invoke
	}
	var missing []string
	if creds.AccessKeyID == "" {
		missing = append(missing, kind.accessVar)
	}
	if creds.SecretAccessKey == "" {
		missing = append(missing, kind.secretVar)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s not set: set %s and %s to %s", strings.Join(missing, " and "), kind.accessVar, kind.secretVar, kind.what)
	}
	return awsclient.New(awsclient.Options{Region: c.Region, Credentials: creds, Endpoints: c.Endpoints}), nil
}

// mattermost returns a client for the plugin when both variables are set,
// nil when neither is, and an error naming the missing one otherwise or
// when the site URL is not a URL.
func (c config) mattermost() (*mmnotify.Client, error) {
	switch {
	case c.SiteURL == "" && c.AdminToken == "":
		return nil, nil
	case c.SiteURL == "":
		return nil, errMissingVar(mmnotify.EnvSiteURL, "the Mattermost site URL, e.g. https://mattermost.example.com")
	case c.AdminToken == "":
		return nil, errMissingVar(mmnotify.EnvToken, "a personal access token of a Mattermost system admin")
	}
	return mmnotify.New(c.SiteURL, c.AdminToken, nil)
}

// errNotSet is wrapped by errors about unset variables.
var errNotSet = errors.New("not set")

func errMissingVar(name, what string) error {
	return fmt.Errorf("%s is %w: set it to %s", name, errNotSet, what)
}
