// Package awsinit prepares an AWS account for Lambda apps (`appsctl aws
// init`): the apps bucket, the invoke user and group, the invoke policy and
// the Lambda execution role, attached to each other.
//
// Init first looks at what exists. When something is missing and creating
// was not asked for, it changes nothing and returns a *MissingError that
// lists each missing resource. Otherwise it creates what is missing, makes
// the attachments, and reports each change; a second run changes nothing.
package awsinit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// IAMAPI is the part of the IAM client used.
type IAMAPI interface {
	invokepolicy.API
	GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
	CreateUser(ctx context.Context, in *iam.CreateUserInput, optFns ...func(*iam.Options)) (*iam.CreateUserOutput, error)
	GetGroup(ctx context.Context, in *iam.GetGroupInput, optFns ...func(*iam.Options)) (*iam.GetGroupOutput, error)
	CreateGroup(ctx context.Context, in *iam.CreateGroupInput, optFns ...func(*iam.Options)) (*iam.CreateGroupOutput, error)
	CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput, optFns ...func(*iam.Options)) (*iam.CreatePolicyOutput, error)
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	ListAttachedGroupPolicies(ctx context.Context, in *iam.ListAttachedGroupPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error)
	AttachGroupPolicy(ctx context.Context, in *iam.AttachGroupPolicyInput, optFns ...func(*iam.Options)) (*iam.AttachGroupPolicyOutput, error)
	ListGroupsForUser(ctx context.Context, in *iam.ListGroupsForUserInput, optFns ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error)
	AddUserToGroup(ctx context.Context, in *iam.AddUserToGroupInput, optFns ...func(*iam.Options)) (*iam.AddUserToGroupOutput, error)
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	CreateAccessKey(ctx context.Context, in *iam.CreateAccessKeyInput, optFns ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error)
}

// S3API is the part of the S3 client used.
type S3API interface {
	s3.HeadBucketAPIClient
	CreateBucket(ctx context.Context, in *s3.CreateBucketInput, optFns ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
}

// Clients are the AWS clients Init uses, made with the deploy credentials.
type Clients struct {
	IAM IAMAPI
	S3  S3API
	STS awsaccount.API
}

// Options say which resources to ensure.
type Options struct {
	awsnames.Resources
	// Create creates missing resources (including the bucket).
	Create bool
	// CreateAccessKey creates an access key for the invoke user and prints
	// it once.
	CreateAccessKey bool
}

func (o Options) withDefaults() Options {
	o.Resources = o.WithDefaults()
	return o
}

// Missing is a resource that does not exist.
type Missing struct {
	What string // e.g. "IAM user"
	Name string
	// Hint says how to create it or use another one.
	Hint string
}

// MissingError lists the resources that do not exist when Create is off.
type MissingError struct {
	Missing []Missing
}

func (e *MissingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d AWS resource(s) missing, nothing was changed:", len(e.Missing))
	for _, m := range e.Missing {
		fmt.Fprintf(&b, "\n  - %s %q: %s", m.What, m.Name, m.Hint)
	}
	b.WriteString("\nRun `appsctl aws init --create` to create them.")
	return b.String()
}

// AccessKey is a newly created access key of the invoke user.
type AccessKey struct {
	ID     string
	Secret string
}

// Result says what Init found and did.
type Result struct {
	Account   awsaccount.Account
	UserARN   string
	GroupARN  string
	PolicyARN string
	RoleARN   string
	// Changes lists every change made, in order.
	Changes []string
	// AccessKey is set with Options.CreateAccessKey.
	AccessKey *AccessKey
}

// state is what discovery found.
type state struct {
	bucket, user, group, policy, role bool
}

// Run ensures the resources. With missing resources and Create off it
// returns a *MissingError and changes nothing.
func Run(ctx context.Context, c Clients, o Options, p *report.Printer) (*Result, error) {
	o = o.withDefaults()
	acct, err := awsaccount.Identify(ctx, c.STS)
	if err != nil {
		return nil, err
	}
	p.Debugf("AWS account %s (%s), caller %s", acct.ID, acct.Partition, acct.CallerARN)
	r := &Result{Account: acct, PolicyARN: acct.PolicyARN(o.PolicyName)}
	in := &initializer{c: c, o: o, p: p, r: r}

	st, err := in.discover(ctx)
	if err != nil {
		return nil, err
	}
	if missing := in.missing(st); len(missing) > 0 && !o.Create {
		return r, &MissingError{Missing: missing}
	}
	if err := in.apply(ctx, st); err != nil {
		return r, err
	}
	return r, nil
}

// initializer carries one run's inputs and result.
type initializer struct {
	c Clients
	o Options
	p *report.Printer
	r *Result
}

func (in *initializer) change(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	in.r.Changes = append(in.r.Changes, msg)
	in.p.Infof("  %s", msg)
}

// discover checks which resources exist.
func (in *initializer) discover(ctx context.Context) (state, error) {
	var st state
	err := s3store.CheckBucket(ctx, in.c.S3, in.o.Bucket)
	switch {
	case err == nil:
		st.bucket = true
	case errors.Is(err, s3store.ErrBucketNotFound):
	default:
		return st, fmt.Errorf("check S3 bucket %q: %w", in.o.Bucket, err)
	}
	checks := []struct {
		found *bool
		get   func(context.Context) (string, error)
		arn   *string
	}{
		{&st.user, in.getUser, &in.r.UserARN},
		{&st.group, in.getGroup, &in.r.GroupARN},
		{&st.policy, in.getPolicy, nil},
		{&st.role, in.getRole, &in.r.RoleARN},
	}
	for _, c := range checks {
		arn, err := c.get(ctx)
		if err != nil {
			return st, err
		}
		*c.found = arn != ""
		if c.arn != nil {
			*c.arn = arn
		}
	}
	in.report("S3 bucket", in.o.Bucket, st.bucket)
	in.report("IAM user", in.o.UserName, st.user)
	in.report("IAM group", in.o.GroupName, st.group)
	in.report("IAM policy", in.o.PolicyName, st.policy)
	in.report("IAM role", in.o.ExecuteRoleName, st.role)
	return st, nil
}

func (in *initializer) report(what, name string, found bool) {
	status := "exists"
	if !found {
		status = "missing"
	}
	in.p.Infof("%-11s %s: %s", what, name, status)
}

// missing lists the resources discovery did not find.
func (in *initializer) missing(st state) []Missing {
	var out []Missing
	add := func(found bool, what, name, alt string) {
		if !found {
			out = append(out, Missing{What: what, Name: name, Hint: "create it with --create" + alt})
		}
	}
	add(st.bucket, "S3 bucket", in.o.Bucket, ", or set MM_APPS_S3_BUCKET (and MM_APPS_AWS_REGION) to an existing bucket")
	add(st.user, "IAM user", in.o.UserName, ", or name an existing user with --user")
	add(st.group, "IAM group", in.o.GroupName, ", or name an existing group with --group")
	add(st.policy, "IAM policy", in.o.PolicyName, ", or name an existing policy with --policy")
	add(st.role, "IAM role", in.o.ExecuteRoleName, ", or name an existing role with --execute-role")
	return out
}
