package awsclean

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// ErrAppNotFound is returned by App when the bucket has no manifest of the
// app and no version was given.
var ErrAppNotFound = errors.New("app not found")

// App removes an app (all versions, or one): its manifests first (so the
// plugin stops listing it), its functions' ARNs from the invoke policy, its
// Lambda functions, its static assets and its large function packages. The
// invoke policy itself is kept.
//
// The functions are the ones the app's manifests name. For a version given
// explicitly whose manifest is gone (a deploy that failed before its last
// step), they are the functions named "{appID}_{version}_*" (sanitized)
// whose description (see applist.FunctionDescription) names that version.
//
// Names in AWS are not one-to-one (see awsnames.FindCollisions), so App
// never removes what belongs to another app version: it keeps a Lambda
// function that another app version's manifest in the bucket names, or
// whose description names another app version, and the static assets and
// function packages under a prefix another manifest in the bucket uses.
// What it keeps is in Result.Kept and reported with the reason.
func App(ctx context.Context, c Clients, o Options, appID, version string, p *report.Printer) (*Result, error) {
	cl, err := newCleaner(ctx, c, o, p)
	if err != nil {
		return nil, err
	}
	return cl.r, cl.app(ctx, appID, version)
}

// All removes every app whose manifest is in the bucket, then every
// function the invoke policy still lists (they were deployed by appsctl),
// then the IAM resources (see IAM).
func All(ctx context.Context, c Clients, o Options, p *report.Printer) (*Result, error) {
	cl, err := newCleaner(ctx, c, o, p)
	if err != nil {
		return nil, err
	}
	entries, problems, err := applist.List(ctx, cl.store)
	if err != nil {
		return cl.r, fmt.Errorf("list the apps in bucket %s: %w", cl.o.Bucket, err)
	}
	for _, pr := range problems {
		p.Warnf("skipped %s", pr.Error())
	}
	cl.setDeployed(entries)
	for _, e := range entries {
		if err := cl.app(ctx, e.AppID, e.Version); err != nil {
			return cl.r, err
		}
	}
	if err := cl.leftoverFunctions(ctx); err != nil {
		return cl.r, err
	}
	return cl.r, cl.iam(ctx)
}

// version is one app version to remove.
type version struct {
	id        string
	functions []string // Lambda names
	manifest  string   // key; "" when there is none
	// descriptions are the functions' descriptions when they are known
	// already (functions found by name prefix).
	descriptions map[string]string
}

func (cl *cleaner) app(ctx context.Context, appID, ver string) error {
	entries, problems, err := applist.ListApp(ctx, cl.store, appID, ver)
	if err != nil {
		return fmt.Errorf("list the manifests of app %s: %w", appID, err)
	}
	warned := map[string]bool{}
	for _, pr := range problems {
		cl.p.Warnf("skipped %s (remove it by hand if it belongs to %s)", pr.Error(), appID)
		warned[pr.Key] = true
	}
	if err := cl.loadDeployed(ctx, warned); err != nil {
		return err
	}
	versions, err := cl.versions(ctx, appID, ver, entries)
	if err != nil {
		return err
	}
	cl.p.Infof("Removing app %s (%s)", appID, describeVersions(versions))
	removing := map[awsnames.User]bool{}
	for _, v := range versions {
		removing[awsnames.User{AppID: appID, Version: v.id}] = true
	}
	others := cl.others(removing)
	var names []string
	for _, v := range versions {
		own, err := cl.ownFunctions(ctx, appID, v, others, removing)
		if err != nil {
			return err
		}
		names = append(names, own...)
	}
	for _, v := range versions {
		if v.manifest != "" {
			if err := cl.deleteObjects(ctx, []string{v.manifest}); err != nil {
				return err
			}
			cl.forget(v.manifest)
		}
	}
	if err := cl.removeFromPolicy(ctx, names); err != nil {
		return err
	}
	if err := cl.deleteFunctions(ctx, names); err != nil {
		return err
	}
	for _, v := range versions {
		for _, prefix := range []string{awsnames.StaticPrefix(appID, v.id), awsnames.FunctionCodePrefix(appID, v.id)} {
			if err := cl.deletePrefix(ctx, prefix, others); err != nil {
				return err
			}
		}
	}
	return nil
}

// versions works out what to remove for each version of the app.
func (cl *cleaner) versions(ctx context.Context, appID, ver string, entries []applist.Entry) ([]version, error) {
	var out []version
	for _, e := range entries {
		v := version{id: e.Version, manifest: e.Key}
		for _, fn := range e.Manifest.AWSLambda.Functions {
			name, err := awsnames.LambdaName(appID, e.Version, fn.Name)
			if err != nil {
				return nil, fmt.Errorf("manifest %s: %w", e.Key, err)
			}
			v.functions = append(v.functions, name)
		}
		out = append(out, v)
	}
	if len(out) > 0 {
		return out, nil
	}
	if ver == "" {
		return nil, fmt.Errorf("%w: bucket %s has no manifest of app %q; check the app ID with `appsctl aws test list`, "+
			"or pass --version to remove what a failed deploy of that version left", ErrAppNotFound, cl.o.Bucket, appID)
	}
	descriptions, err := cl.functionsWithPrefix(ctx, appID, ver)
	if err != nil {
		return nil, err
	}
	v := version{id: ver, descriptions: descriptions}
	for name := range descriptions {
		v.functions = append(v.functions, name)
	}
	slices.Sort(v.functions)
	return []version{v}, nil
}

// functionsWithPrefix returns the Lambda functions named like the app
// version's functions, with their descriptions. Other app versions' names
// may start the same: ownFunctions sorts them out.
func (cl *cleaner) functionsWithPrefix(ctx context.Context, appID, ver string) (map[string]string, error) {
	prefix, err := lambdaPrefix(appID, ver)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	p := lambda.NewListFunctionsPaginator(cl.c.Lambda, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			if name := aws.ToString(f.FunctionName); strings.HasPrefix(name, prefix) {
				out[name] = aws.ToString(f.Description)
			}
		}
	}
	return out, nil
}

// lambdaPrefix returns the sanitized "{appID}_{version}_" that the Lambda
// names of the app version's functions start with.
func lambdaPrefix(appID, ver string) (string, error) {
	probe, err := awsnames.LambdaName(appID, ver, "x")
	if err != nil {
		return "", fmt.Errorf("app %q version %q: %w", appID, ver, err)
	}
	return strings.TrimSuffix(probe, "x"), nil
}

func describeVersions(versions []version) string {
	ids := make([]string, 0, len(versions))
	for _, v := range versions {
		id := v.id
		if id == "" {
			id = `""`
		}
		if v.manifest == "" {
			id += " without manifest"
		}
		ids = append(ids, id)
	}
	return "version " + strings.Join(ids, ", ")
}

// removeFromPolicy removes the functions' ARNs from the invoke policy.
func (cl *cleaner) removeFromPolicy(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	var removed []string
	_, err := invokepolicy.Update(ctx, cl.c.IAM, cl.policyARN(), func(d *invokepolicy.Document) {
		removed = d.RemoveLambdaFunctions(names...)
	})
	if awsaccount.IsNotFound(err) {
		cl.p.Debugf("invoke policy %s not found, skipped", cl.policyARN())
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove the app's functions from the invoke policy: %w", err)
	}
	for _, arn := range removed {
		cl.removed("%s from invoke policy %s", arn, cl.o.PolicyName)
	}
	return nil
}

func (cl *cleaner) deleteFunctions(ctx context.Context, names []string) error {
	for _, name := range names {
		_, err := cl.c.Lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(name)})
		what := "Lambda function " + name
		if err := cl.done(err, what); err != nil {
			return err
		}
		cl.unkeep(what)
	}
	return nil
}

// leftoverFunctions deletes the functions the invoke policy still lists
// and removes them from it.
func (cl *cleaner) leftoverFunctions(ctx context.Context) error {
	cur, err := invokepolicy.Load(ctx, cl.c.IAM, cl.policyARN())
	if awsaccount.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var names []string
	for _, arn := range cur.Document.LambdaARNs() {
		if name := invokepolicy.FunctionName(arn); name != "" {
			names = append(names, name)
		}
	}
	if err := cl.removeFromPolicy(ctx, names); err != nil {
		return err
	}
	return cl.deleteFunctions(ctx, names)
}

// deletePrefix deletes every object under prefix, unless an app version
// in others uses the prefix too (a version without manifest whose names
// are another's): then the objects are kept.
func (cl *cleaner) deletePrefix(ctx context.Context, prefix string, others ownerIndex) error {
	objects, err := cl.store.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("list s3://%s/%s: %w", cl.o.Bucket, prefix, err)
	}
	if o, ok := others.prefixes[prefix]; ok && len(objects) > 0 {
		cl.keep(fmt.Sprintf("%d object(s) under s3://%s/%s", len(objects), cl.o.Bucket, prefix),
			fmt.Sprintf("the prefix is also that of %s, whose manifest is s3://%s/%s", o.user, cl.o.Bucket, o.key))
		return nil
	}
	keys := make([]string, 0, len(objects))
	for _, o := range objects {
		keys = append(keys, o.Key)
	}
	return cl.deleteObjects(ctx, keys)
}

// maxDeleteBatch is the most keys one DeleteObjects call takes.
const maxDeleteBatch = 1000

// deleteObjects deletes keys in batches and reports each.
func (cl *cleaner) deleteObjects(ctx context.Context, keys []string) error {
	for start := 0; start < len(keys); start += maxDeleteBatch {
		batch := keys[start:min(start+maxDeleteBatch, len(keys))]
		ids := make([]s3types.ObjectIdentifier, len(batch))
		for i, k := range batch {
			ids[i] = s3types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := cl.c.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(cl.o.Bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("delete %d object(s) from bucket %s: %w", len(batch), cl.o.Bucket, err)
		}
		failed := map[string]bool{}
		for _, e := range out.Errors {
			failed[aws.ToString(e.Key)] = true
			cl.p.Warnf("could not delete s3://%s/%s: %s", cl.o.Bucket, aws.ToString(e.Key), aws.ToString(e.Message))
		}
		if len(failed) > 0 {
			return fmt.Errorf("could not delete %d object(s) from bucket %s", len(failed), cl.o.Bucket)
		}
		for _, k := range batch {
			cl.removed("s3://%s/%s", cl.o.Bucket, k)
		}
	}
	return nil
}
