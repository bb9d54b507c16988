// Package awslogs reads the CloudWatch Logs of an app's Lambda functions
// (`appsctl aws logs`): it finds the app's functions from its manifests in
// the apps bucket, reads each function's log group
// ("/aws/lambda/<function name>") with FilterLogEvents from a start time,
// merges the events by time and prints them as "<time> <function>
// <message>", masked like every appsctl output. With Follow it keeps
// polling and prints only events it has not printed yet.
package awslogs

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// LogGroupPrefix starts the log group of every Lambda function.
const LogGroupPrefix = "/aws/lambda/"

// Source is one Lambda function whose logs are read.
type Source struct {
	AppID    string
	Version  string
	Function string // the function's name in the manifest
	Lambda   string // the Lambda function name
	// Label names the function in the output: the manifest's function
	// name, prefixed with "<version>/" when several versions are read.
	Label string
}

// LogGroup is the function's log group.
func (s Source) LogGroup() string { return LogGroupPrefix + s.Lambda }

// Sources returns the functions of appID (all its versions in the bucket,
// or only version), keeping only the manifest function named function
// when it is not empty. Manifests that cannot be read are warned about.
func Sources(ctx context.Context, store *s3store.Store, appID, version, function string, p *report.Printer) ([]Source, error) {
	entries, problems, err := applist.ListApp(ctx, store, appID, version)
	if err != nil {
		return nil, fmt.Errorf("list the manifests of app %q in bucket %s: %w", appID, store.Bucket(), err)
	}
	for _, pr := range problems {
		p.Warnf("skipped %s", pr.Error())
	}
	if len(entries) == 0 {
		what := fmt.Sprintf("app %q", appID)
		if version != "" {
			what += " version " + version
		}
		return nil, fmt.Errorf("bucket %s has no manifest of %s: check the app ID and version with `appsctl aws test list`", store.Bucket(), what)
	}
	return sourcesOf(entries, function)
}

// sourcesOf lists the functions of the manifests (sorted by version, then
// function), filtered by function name.
func sourcesOf(entries []applist.Entry, function string) ([]Source, error) {
	var out []Source
	seen := map[string]bool{}
	names := map[string]bool{}
	for _, e := range entries {
		if e.Manifest.AWSLambda == nil {
			continue
		}
		for _, fn := range e.Manifest.AWSLambda.Functions {
			names[fn.Name] = true
			if function != "" && fn.Name != function {
				continue
			}
			lambdaName, err := awsnames.LambdaName(e.AppID, e.Version, fn.Name)
			if err != nil {
				return nil, fmt.Errorf("app %s %s, function %q: %w", e.AppID, e.Version, fn.Name, err)
			}
			if seen[lambdaName] {
				continue // two versions that map to one name ("1.0" and "1-0") share the log group
			}
			seen[lambdaName] = true
			out = append(out, Source{AppID: e.AppID, Version: e.Version, Function: fn.Name, Lambda: lambdaName})
		}
	}
	switch {
	case len(names) == 0:
		return nil, fmt.Errorf("app %q has no Lambda functions in its manifest(s): it has no function logs", entries[0].AppID)
	case len(out) == 0:
		return nil, fmt.Errorf("app %q has no function %q: its functions are %s (the manifest's aws_lambda.functions names)",
			entries[0].AppID, function, strings.Join(sortedKeys(names), ", "))
	}
	versions := map[string]bool{}
	for _, s := range out {
		versions[s.Version] = true
	}
	for i := range out {
		// Spaces would make the output ambiguous; Lambda names use '-' too.
		out[i].Label = strings.ReplaceAll(out[i].Function, " ", "-")
		if len(versions) > 1 {
			out[i].Label = out[i].Version + "/" + out[i].Label
		}
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
