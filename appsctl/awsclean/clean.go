// Package awsclean removes what appsctl put in an AWS account (`appsctl aws
// clean`): an app's functions, manifests, static assets and policy ARNs
// (App), every app (All), and the IAM resources `aws init` created (IAM).
// Resources that are already gone are skipped; every removal is reported,
// and so is everything matched by name but kept because it belongs to
// another app version (see App).
package awsclean

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// IAMAPI is the part of the IAM client used.
type IAMAPI interface {
	invokepolicy.API
	iam.ListAccessKeysAPIClient
	iam.GetGroupAPIClient
	iam.ListEntitiesForPolicyAPIClient
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListRolePoliciesAPIClient
	DeleteAccessKey(ctx context.Context, in *iam.DeleteAccessKeyInput, optFns ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error)
	RemoveUserFromGroup(ctx context.Context, in *iam.RemoveUserFromGroupInput, optFns ...func(*iam.Options)) (*iam.RemoveUserFromGroupOutput, error)
	DetachGroupPolicy(ctx context.Context, in *iam.DetachGroupPolicyInput, optFns ...func(*iam.Options)) (*iam.DetachGroupPolicyOutput, error)
	DetachUserPolicy(ctx context.Context, in *iam.DetachUserPolicyInput, optFns ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error)
	DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	DeleteGroup(ctx context.Context, in *iam.DeleteGroupInput, optFns ...func(*iam.Options)) (*iam.DeleteGroupOutput, error)
	DeletePolicy(ctx context.Context, in *iam.DeletePolicyInput, optFns ...func(*iam.Options)) (*iam.DeletePolicyOutput, error)
	DeleteUser(ctx context.Context, in *iam.DeleteUserInput, optFns ...func(*iam.Options)) (*iam.DeleteUserOutput, error)
	DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, optFns ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
}

// LambdaAPI is the part of the Lambda client used.
type LambdaAPI interface {
	lambda.ListFunctionsAPIClient
	lambda.GetFunctionAPIClient
	DeleteFunction(ctx context.Context, in *lambda.DeleteFunctionInput, optFns ...func(*lambda.Options)) (*lambda.DeleteFunctionOutput, error)
}

// S3API is the part of the S3 client used.
type S3API interface {
	s3store.API
	DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, optFns ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
}

// Clients are the AWS clients clean uses, made with the deploy credentials.
type Clients struct {
	IAM    IAMAPI
	Lambda LambdaAPI
	S3     S3API
	STS    awsaccount.API
}

// Options name the resources.
type Options struct {
	awsnames.Resources
}

func (o Options) withDefaults() Options {
	o.Resources = o.WithDefaults()
	return o
}

// Result lists what was removed, and what was kept because it belongs to
// another app version.
type Result struct {
	Removed []string
	Kept    []Kept
}

// cleaner carries one run's inputs and result.
type cleaner struct {
	c     Clients
	o     Options
	p     *report.Printer
	acct  awsaccount.Account
	store *s3store.Store
	r     *Result
	// deployed are the manifests in the bucket, read once per run (then
	// deployedRead is set) and updated as clean removes them.
	deployed     []applist.Entry
	deployedRead bool
}

func newCleaner(ctx context.Context, c Clients, o Options, p *report.Printer) (*cleaner, error) {
	o = o.withDefaults()
	acct, err := awsaccount.Identify(ctx, c.STS)
	if err != nil {
		return nil, err
	}
	return &cleaner{c: c, o: o, p: p, acct: acct, store: s3store.New(c.S3, o.Bucket), r: &Result{}}, nil
}

func (cl *cleaner) removed(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	cl.r.Removed = append(cl.r.Removed, msg)
	cl.p.Infof("  removed %s", msg)
}

func (cl *cleaner) policyARN() string { return cl.acct.PolicyARN(cl.o.PolicyName) }
