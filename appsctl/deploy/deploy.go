// Package deploy deploys an app bundle to AWS (`appsctl aws deploy`): it
// uploads the static assets, creates or updates the Lambda functions, lets
// the invoke policy invoke exactly them, and uploads the manifest last, so
// that the plugin never lists an app whose functions are missing.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/gomigrate"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/appsctl/runtimes"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// LambdaAPI is the part of the Lambda client used.
type LambdaAPI interface {
	lambda.GetFunctionAPIClient
	CreateFunction(ctx context.Context, in *lambda.CreateFunctionInput, optFns ...func(*lambda.Options)) (*lambda.CreateFunctionOutput, error)
	UpdateFunctionCode(ctx context.Context, in *lambda.UpdateFunctionCodeInput, optFns ...func(*lambda.Options)) (*lambda.UpdateFunctionCodeOutput, error)
	UpdateFunctionConfiguration(ctx context.Context, in *lambda.UpdateFunctionConfigurationInput, optFns ...func(*lambda.Options)) (*lambda.UpdateFunctionConfigurationOutput, error)
}

// S3API is the part of the S3 client used: uploads, and reading the
// manifests already in the bucket.
type S3API interface {
	manager.UploadAPIClient
	s3store.API
}

// IAMAPI is the part of the IAM client used.
type IAMAPI interface {
	invokepolicy.API
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

// Clients are the AWS clients a deploy uses, made with the deploy
// credentials.
type Clients struct {
	Lambda LambdaAPI
	S3     S3API
	IAM    IAMAPI
	STS    awsaccount.API
}

// Result says what a deploy did.
type Result struct {
	AppID       string
	Version     string
	Region      string
	Bucket      string
	RoleARN     string
	Assets      []AssetResult
	Functions   []FunctionResult
	PolicyARN   string
	Policy      *invokepolicy.Result
	ManifestKey string
	Warnings    []string
}

// ExistingFunctionsError lists functions that exist when deploying without
// Update.
type ExistingFunctionsError struct {
	Names []string
}

func (e *ExistingFunctionsError) Error() string {
	return fmt.Sprintf("%d Lambda function(s) of this app version already exist: %s; nothing was changed. "+
		"Run again with --update to replace their code and configuration, or deploy a new app version",
		len(e.Names), strings.Join(e.Names, ", "))
}

// deployer carries one deploy's inputs and state.
type deployer struct {
	c        Clients
	o        Options
	p        *report.Printer
	b        *bundle.Bundle
	acct     awsaccount.Account
	manifest []byte
	// migrations are the plans of the go1.x functions by manifest name.
	migrations map[string]gomigrate.Plan
	// runtimes are the decisions on deprecated runtimes by manifest name.
	runtimes map[string]runtimes.Decision
	// now is when the runtime calendar is read (Options.Now).
	now time.Time
	// existing maps the Lambda names of functions that exist to their
	// current runtime.
	existing map[string]string
	r        *Result
}

// Run deploys the bundle at o.BundlePath.
func Run(ctx context.Context, c Clients, o Options, p *report.Printer) (*Result, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	opened, err := OpenBundleAt(o.BundlePath, o.KeepRuntime, o.Now)
	if err != nil {
		return nil, err
	}
	defer func() { _ = opened.Close() }()
	b := opened.Bundle
	m := b.Manifest()
	d := &deployer{c: c, o: o, p: p, b: b, manifest: b.ManifestJSON(), migrations: opened.Migrations,
		runtimes: opened.Runtimes, now: o.Now, r: &Result{
			AppID: string(m.AppID), Version: string(m.Version), Region: o.Region, Bucket: o.Bucket,
			ManifestKey: awsnames.ManifestKey(string(m.AppID), string(m.Version)), Warnings: opened.Warnings,
		}}
	for _, w := range opened.Warnings {
		p.Warnf("%s", w)
	}
	p.Infof("Deploying %s %s from %s to AWS (%s, bucket %s)", d.r.AppID, d.r.Version, o.BundlePath, o.Region, o.Bucket)
	steps := []func(context.Context) error{
		d.preflight,
		d.uploadAssets,
		d.deployFunctions,
		d.updatePolicy,
		d.uploadManifest,
	}
	for i, step := range steps {
		if err := step(ctx); err != nil {
			if i > 0 { // after the preflight, something may have changed
				err = &PartialError{Err: err, BundlePath: o.BundlePath}
			}
			return d.r, err
		}
	}
	return d.r, nil
}

// PartialError is a deploy that failed after it started changing AWS. The
// manifest is uploaded last, so Mattermost does not list the version yet.
type PartialError struct {
	Err        error
	BundlePath string
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%v\nThe deploy stopped part way; the manifest was not uploaded, so Mattermost does not list this version. "+
		"Fix the problem and run `appsctl aws deploy %s --update`.", e.Err, e.BundlePath)
}

// Unwrap returns the cause.
func (e *PartialError) Unwrap() error { return e.Err }

// preflight checks everything a deploy needs before changing anything, and
// reports all problems at once.
func (d *deployer) preflight(ctx context.Context) error {
	acct, err := awsaccount.Identify(ctx, d.c.STS)
	if err != nil {
		return err
	}
	d.acct = acct
	d.r.PolicyARN = acct.PolicyARN(d.o.PolicyName)
	var problems []error
	if err := s3store.CheckBucket(ctx, d.c.S3, d.o.Bucket); err != nil {
		problems = append(problems, fmt.Errorf("S3 bucket %q: %w", d.o.Bucket, err))
	}
	role, err := d.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(d.o.ExecuteRoleName)})
	switch {
	case awsaccount.IsNotFound(err):
		problems = append(problems, fmt.Errorf("IAM role %q does not exist: run `appsctl aws init --create` (or name the role with --execute-role)", d.o.ExecuteRoleName))
	case err != nil:
		problems = append(problems, fmt.Errorf("get IAM role %q: %w", d.o.ExecuteRoleName, err))
	default:
		d.r.RoleARN = aws.ToString(role.Role.Arn)
	}
	_, err = d.c.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(d.r.PolicyARN)})
	switch {
	case awsaccount.IsNotFound(err):
		problems = append(problems, fmt.Errorf("IAM policy %s does not exist: run `appsctl aws init --create` (or name the policy with --policy)", d.r.PolicyARN))
	case err != nil:
		problems = append(problems, fmt.Errorf("get IAM policy %s: %w", d.r.PolicyARN, err))
	}
	if len(problems) > 0 {
		return preflightError(problems)
	}
	if err := d.checkCollisions(ctx); err != nil {
		return err
	}
	return d.findExisting(ctx)
}

// checkCollisions refuses to deploy an app version whose names in AWS are
// used by another app version in the bucket.
func (d *deployer) checkCollisions(ctx context.Context) error {
	res, err := CheckCollisions(ctx, s3store.New(d.c.S3, d.o.Bucket), d.b)
	if err != nil {
		return fmt.Errorf("cannot deploy: %w", err)
	}
	for _, w := range res.Warnings {
		d.p.Warnf("%s", w)
	}
	d.p.Debugf("no name collision with the %d app version(s) in bucket %s", res.Deployed, d.o.Bucket)
	return nil
}

// findExisting records which functions exist; without Update that is an
// error naming all of them. A function that was deployed for another app
// version (its description says so; e.g. a deploy that stopped before
// uploading its manifest) is a *CollisionError, even with Update.
func (d *deployer) findExisting(ctx context.Context) error {
	d.existing = map[string]string{}
	app := applist.AppVersionOf(d.b.Manifest())
	var exist []string
	var collisions []awsnames.Collision
	for _, fp := range d.b.Functions() {
		out, err := d.c.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fp.LambdaName)})
		switch {
		case err == nil:
			d.existing[fp.LambdaName] = ""
			if cfg := out.Configuration; cfg != nil {
				d.existing[fp.LambdaName] = string(cfg.Runtime)
				if c, ok := ownerCollision(app, fp, cfg); ok {
					collisions = append(collisions, c)
				}
			}
			exist = append(exist, fp.LambdaName)
		case !awsaccount.IsNotFound(err):
			return fmt.Errorf("look up Lambda function %s: %w", fp.LambdaName, err)
		}
	}
	if len(collisions) > 0 {
		return fmt.Errorf("cannot deploy: %w", functionsCollisionError(app, d.o.Region, collisions))
	}
	if len(exist) > 0 && !d.o.Update {
		return &ExistingFunctionsError{Names: exist}
	}
	return nil
}

func preflightError(problems []error) error {
	if len(problems) == 1 {
		return fmt.Errorf("cannot deploy: %w", problems[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cannot deploy, %d problems:", len(problems))
	for _, p := range problems {
		b.WriteString("\n  - " + p.Error())
	}
	return errors.New(b.String())
}

// updatePolicy adds the deployed functions' ARNs to the invoke policy.
func (d *deployer) updatePolicy(ctx context.Context) error {
	arns := make([]string, 0, len(d.r.Functions))
	for _, f := range d.r.Functions {
		arns = append(arns, f.ARN)
	}
	res, err := invokepolicy.Update(ctx, d.c.IAM, d.r.PolicyARN, func(doc *invokepolicy.Document) {
		doc.AddLambdaARNs(arns...)
	})
	if err != nil {
		return fmt.Errorf("let the invoke policy invoke the functions: %w", err)
	}
	d.r.Policy = res
	if res.Changed {
		d.p.Infof("Invoke policy %s: version %s allows %d function(s)", d.r.PolicyARN, res.VersionID, len(res.Document.LambdaARNs()))
		for _, v := range res.DeletedVersions {
			d.p.Debugf("deleted old version %s of the invoke policy (IAM keeps %d)", v, invokepolicy.MaxVersions)
		}
	} else {
		d.p.Infof("Invoke policy %s already allows the functions", d.r.PolicyARN)
	}
	return nil
}

// uploadManifest uploads manifest.json unchanged. It is the last step: the
// plugin lists an app once its manifest is in the bucket.
func (d *deployer) uploadManifest(ctx context.Context) error {
	if err := d.put(ctx, d.r.ManifestKey, d.manifest, "application/json"); err != nil {
		return fmt.Errorf("upload the manifest: %w", err)
	}
	d.p.Infof("Uploaded manifest s3://%s/%s", d.o.Bucket, d.r.ManifestKey)
	return nil
}
