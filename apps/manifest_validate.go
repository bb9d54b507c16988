package apps

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Validate checks m against the manifest rules and reports every problem at
// once as a *ValidationError, each naming the JSON field it concerns.
func (m *Manifest) Validate() error {
	var problems ValidationError
	if err := m.AppID.Validate(); err != nil {
		problems.Add("app_id", err.Error())
	}
	if err := m.Version.Validate(); err != nil {
		problems.Add("version", err.Error())
	}
	if strings.TrimSpace(m.DisplayName) == "" {
		problems.Add("display_name", "is required")
	}
	if err := validateHomepageURL(m.HomepageURL); err != nil {
		problems.Add("homepage_url", err.Error())
	}
	if m.Icon != "" {
		if err := ValidateStaticName(m.Icon); err != nil {
			problems.Addf("icon", "must be the name of a static asset: %v", err)
		}
	}
	m.validateCalls(&problems)
	m.validatePermissions(&problems)
	switch m.RemoteWebhookAuthType {
	case "", RemoteWebhookAuthTypeNone, RemoteWebhookAuthTypeSecret, RemoteWebhookAuthTypeJWT:
	default:
		problems.Addf("remote_webhook_auth_type", "unknown type %q: use none, secret or jwt", m.RemoteWebhookAuthType)
	}
	m.validateDeploy(&problems)
	return problems.Err()
}

func validateHomepageURL(s string) error {
	if s == "" {
		return fmt.Errorf("is required")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an absolute http or https URL with a host (got %q)", s)
	}
	return nil
}

func (m *Manifest) validateCalls(problems *ValidationError) {
	for _, c := range []struct {
		field string
		call  *Call
	}{
		{"bindings", m.Bindings},
		{"on_install", m.OnInstall},
		{"on_version_changed", m.OnVersionChanged},
		{"on_uninstall", m.OnUninstall},
		{"on_enable", m.OnEnable},
		{"on_disable", m.OnDisable},
		{"get_oauth2_connect_url", m.GetOAuth2ConnectURL},
		{"on_oauth2_complete", m.OnOAuth2Complete},
		{"on_remote_webhook", m.OnRemoteWebhook},
	} {
		c.call.validate(c.field, problems)
	}
}

func (m *Manifest) validatePermissions(problems *ValidationError) {
	for _, d := range permissionDependencies {
		if m.RequestedPermissions.Contains(d.permission) && !m.RequestedPermissions.Contains(d.requires) {
			problems.Addf("requested_permissions", "%s requires %s; add %q to requested_permissions",
				d.permission, d.requires, d.requires)
		}
	}
}

func (m *Manifest) validateDeploy(problems *ValidationError) {
	if len(m.DeployTypes()) == 0 {
		problems.Add("aws_lambda", "the manifest has no deploy section: add aws_lambda (or http, open_faas, plugin)")
	}
	for _, raw := range []struct {
		field string
		data  []byte
	}{
		{"http", m.HTTP}, {"open_faas", m.OpenFaaS}, {"plugin", m.Plugin},
	} {
		if rawPresent(raw.data) && bytes.TrimSpace(raw.data)[0] != '{' {
			problems.Add(raw.field, "must be a JSON object")
		}
	}
	if m.AWSLambda != nil {
		m.AWSLambda.validate("aws_lambda", problems)
	}
}

func (a *AWSLambda) validate(field string, problems *ValidationError) {
	if len(a.Functions) == 0 {
		problems.Add(field+".functions", "at least one function is required")
		return
	}
	// Lambda names replace spaces with dashes, so "a b" and "a-b" clash.
	names := make(map[string]int, len(a.Functions))
	lambdaNames := make(map[string]int, len(a.Functions))
	for i, fn := range a.Functions {
		f := fmt.Sprintf("%s.functions[%d]", field, i)
		switch {
		case fn.Path == "":
			problems.Add(f+".path", "is required (e.g. \"/\")")
		case fn.Path[0] != '/':
			problems.Addf(f+".path", "must start with '/' (got %q)", fn.Path)
		}
		lambdaName := strings.ReplaceAll(fn.Name, " ", "-")
		if err := validateFunctionName(fn.Name); err != nil {
			problems.Add(f+".name", err.Error())
		} else if j, dup := names[fn.Name]; dup {
			problems.Addf(f+".name", "duplicate function name %q (also functions[%d]); function names must be unique", fn.Name, j)
		} else if j, dup := lambdaNames[lambdaName]; dup {
			problems.Addf(f+".name", "%q gives the same Lambda name as functions[%d] %q (spaces become '-'); rename one of them",
				fn.Name, j, a.Functions[j].Name)
		}
		if _, seen := names[fn.Name]; !seen {
			names[fn.Name] = i
		}
		if _, seen := lambdaNames[lambdaName]; !seen {
			lambdaNames[lambdaName] = i
		}
		if strings.TrimSpace(fn.Handler) == "" {
			problems.Add(f+".handler", "is required")
		}
		if strings.TrimSpace(fn.Runtime) == "" {
			problems.Add(f+".runtime", "is required (e.g. \"provided.al2023\", \"nodejs20.x\")")
		}
	}
}

// validateFunctionName checks that name only has characters that are valid
// in a Lambda function name once spaces become dashes.
func validateFunctionName(name string) error {
	if name == "" {
		return errors.New("is required")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == ' ' || (c != '.' && isIDChar(c)) {
			continue
		}
		return fmt.Errorf("invalid character %q at position %d in %q; use ASCII letters, digits, '-', '_' or spaces", c, i, name)
	}
	return nil
}
