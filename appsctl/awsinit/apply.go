package awsinit

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// TrustPolicy lets Lambda assume the execution role.
const TrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// maxAccessKeys is how many access keys IAM allows per user.
const maxAccessKeys = 2

// description is set on the resources init creates.
const description = "Mattermost Lambda apps (created by appsctl aws init)"

// getUser returns the user's ARN, or "" when it does not exist.
func (in *initializer) getUser(ctx context.Context) (string, error) {
	out, err := in.c.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(in.o.UserName)})
	if err != nil {
		return notFoundOK(err, "get IAM user %q", in.o.UserName)
	}
	return aws.ToString(out.User.Arn), nil
}

func (in *initializer) getGroup(ctx context.Context) (string, error) {
	out, err := in.c.IAM.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(in.o.GroupName)})
	if err != nil {
		return notFoundOK(err, "get IAM group %q", in.o.GroupName)
	}
	return aws.ToString(out.Group.Arn), nil
}

func (in *initializer) getPolicy(ctx context.Context) (string, error) {
	out, err := in.c.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(in.r.PolicyARN)})
	if err != nil {
		return notFoundOK(err, "get IAM policy %s", in.r.PolicyARN)
	}
	return aws.ToString(out.Policy.Arn), nil
}

func (in *initializer) getRole(ctx context.Context) (string, error) {
	out, err := in.c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(in.o.ExecuteRoleName)})
	if err != nil {
		return notFoundOK(err, "get IAM role %q", in.o.ExecuteRoleName)
	}
	return aws.ToString(out.Role.Arn), nil
}

// notFoundOK turns NotFound into ("", nil) and wraps other errors.
func notFoundOK(err error, format string, args ...any) (string, error) {
	if awsaccount.IsNotFound(err) {
		return "", nil
	}
	return "", fmt.Errorf(format+": %w", append(args, err)...)
}

// apply creates what is missing and makes the attachments.
func (in *initializer) apply(ctx context.Context, st state) error {
	steps := []func(context.Context, state) error{
		in.ensureBucket,
		in.ensureUser,
		in.ensureGroup,
		in.ensurePolicy,
		in.ensureRole,
		in.ensureRoleAttachment,
		in.ensureGroupAttachment,
		in.ensureMembership,
		in.createAccessKey,
	}
	for _, step := range steps {
		if err := step(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

func (in *initializer) ensureBucket(ctx context.Context, st state) error {
	if st.bucket {
		return nil
	}
	input := &s3.CreateBucketInput{Bucket: aws.String(in.o.Bucket)}
	if in.o.Region != "us-east-1" {
		input.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
			LocationConstraint: s3types.BucketLocationConstraint(in.o.Region),
		}
	}
	if _, err := in.c.S3.CreateBucket(ctx, input); err != nil && !awsaccount.IsAlreadyExists(err) {
		return fmt.Errorf("create S3 bucket %q in %s: %w (bucket names are global: if it is taken, choose another MM_APPS_S3_BUCKET)",
			in.o.Bucket, in.o.Region, err)
	}
	waiter := s3.NewBucketExistsWaiter(in.c.S3)
	if err := waiter.Wait(ctx, &s3.HeadBucketInput{Bucket: aws.String(in.o.Bucket)}, time.Minute); err != nil {
		return fmt.Errorf("wait for the new S3 bucket %q: %w", in.o.Bucket, err)
	}
	in.change("created S3 bucket %s in %s", in.o.Bucket, in.o.Region)
	return nil
}

func (in *initializer) ensureUser(ctx context.Context, st state) error {
	if st.user {
		return nil
	}
	out, err := in.c.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(in.o.UserName)})
	if err != nil {
		return fmt.Errorf("create IAM user %q: %w", in.o.UserName, err)
	}
	in.r.UserARN = aws.ToString(out.User.Arn)
	in.change("created IAM user %s", in.r.UserARN)
	return nil
}

func (in *initializer) ensureGroup(ctx context.Context, st state) error {
	if st.group {
		return nil
	}
	out, err := in.c.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(in.o.GroupName)})
	if err != nil {
		return fmt.Errorf("create IAM group %q: %w", in.o.GroupName, err)
	}
	in.r.GroupARN = aws.ToString(out.Group.Arn)
	in.change("created IAM group %s", in.r.GroupARN)
	return nil
}

// ensurePolicy creates the invoke policy, or makes its S3 statements grant
// the current bucket (keeping the function ARNs and other statements).
func (in *initializer) ensurePolicy(ctx context.Context, st state) error {
	partition := in.r.Account.Partition
	if st.policy {
		res, err := invokepolicy.Update(ctx, in.c.IAM, in.r.PolicyARN, func(d *invokepolicy.Document) {
			d.EnsureS3(partition, in.o.Bucket)
		})
		if err != nil {
			return fmt.Errorf("update the S3 statements of invoke policy: %w", err)
		}
		if res.Changed {
			in.change("updated IAM policy %s to grant bucket %s (version %s)", in.r.PolicyARN, in.o.Bucket, res.VersionID)
		}
		return nil
	}
	doc, err := invokepolicy.New(partition, in.o.Bucket).Marshal()
	if err != nil {
		return err
	}
	out, err := in.c.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(in.o.PolicyName),
		PolicyDocument: aws.String(doc),
		Description:    aws.String(description),
	})
	if awsaccount.IsAlreadyExists(err) {
		return fmt.Errorf("create IAM policy %q: a policy with this name exists, but not as %s (it has a path): "+
			"name another policy with --policy, or delete that one", in.o.PolicyName, in.r.PolicyARN)
	}
	if err != nil {
		return fmt.Errorf("create IAM policy %q: %w", in.o.PolicyName, err)
	}
	in.r.PolicyARN = aws.ToString(out.Policy.Arn)
	in.change("created IAM policy %s", in.r.PolicyARN)
	return nil
}

func (in *initializer) ensureRole(ctx context.Context, st state) error {
	if st.role {
		return nil
	}
	out, err := in.c.IAM.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(in.o.ExecuteRoleName),
		AssumeRolePolicyDocument: aws.String(TrustPolicy),
		Description:              aws.String(description),
	})
	if err != nil {
		return fmt.Errorf("create IAM role %q: %w", in.o.ExecuteRoleName, err)
	}
	in.r.RoleARN = aws.ToString(out.Role.Arn)
	in.change("created IAM role %s", in.r.RoleARN)
	return nil
}

func (in *initializer) ensureRoleAttachment(ctx context.Context, _ state) error {
	policyARN := in.r.Account.ManagedPolicyARN(awsnames.LambdaBasicExecutionPolicyARN)
	p := iam.NewListAttachedRolePoliciesPaginator(in.c.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(in.o.ExecuteRoleName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the policies of IAM role %q: %w", in.o.ExecuteRoleName, err)
		}
		for _, a := range page.AttachedPolicies {
			if aws.ToString(a.PolicyArn) == policyARN {
				return nil
			}
		}
	}
	if _, err := in.c.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{
		RoleName: aws.String(in.o.ExecuteRoleName), PolicyArn: aws.String(policyARN),
	}); err != nil {
		return fmt.Errorf("attach %s to IAM role %q: %w", policyARN, in.o.ExecuteRoleName, err)
	}
	in.change("attached %s to IAM role %s", policyARN, in.o.ExecuteRoleName)
	return nil
}

func (in *initializer) ensureGroupAttachment(ctx context.Context, _ state) error {
	p := iam.NewListAttachedGroupPoliciesPaginator(in.c.IAM, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(in.o.GroupName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the policies of IAM group %q: %w", in.o.GroupName, err)
		}
		for _, a := range page.AttachedPolicies {
			if aws.ToString(a.PolicyArn) == in.r.PolicyARN {
				return nil
			}
		}
	}
	if _, err := in.c.IAM.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{
		GroupName: aws.String(in.o.GroupName), PolicyArn: aws.String(in.r.PolicyARN),
	}); err != nil {
		return fmt.Errorf("attach IAM policy %s to group %q: %w", in.r.PolicyARN, in.o.GroupName, err)
	}
	in.change("attached IAM policy %s to group %s", in.o.PolicyName, in.o.GroupName)
	return nil
}

func (in *initializer) ensureMembership(ctx context.Context, _ state) error {
	p := iam.NewListGroupsForUserPaginator(in.c.IAM, &iam.ListGroupsForUserInput{UserName: aws.String(in.o.UserName)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list the groups of IAM user %q: %w", in.o.UserName, err)
		}
		for _, g := range page.Groups {
			if aws.ToString(g.GroupName) == in.o.GroupName {
				return nil
			}
		}
	}
	if _, err := in.c.IAM.AddUserToGroup(ctx, &iam.AddUserToGroupInput{
		UserName: aws.String(in.o.UserName), GroupName: aws.String(in.o.GroupName),
	}); err != nil {
		return fmt.Errorf("add IAM user %q to group %q: %w", in.o.UserName, in.o.GroupName, err)
	}
	in.change("added IAM user %s to group %s", in.o.UserName, in.o.GroupName)
	return nil
}

// createAccessKey creates a key for the invoke user when asked to. IAM
// allows two keys per user; a third is refused with advice.
func (in *initializer) createAccessKey(ctx context.Context, _ state) error {
	if !in.o.CreateAccessKey {
		return nil
	}
	keys, err := in.c.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(in.o.UserName)})
	if err != nil {
		return fmt.Errorf("list the access keys of IAM user %q: %w", in.o.UserName, err)
	}
	if n := len(keys.AccessKeyMetadata); n >= maxAccessKeys {
		return fmt.Errorf("IAM user %q already has %d access keys, the most IAM allows: delete one you no longer use "+
			"(aws iam delete-access-key --user-name %s --access-key-id <id>) and run `appsctl aws init --create-access-key` again",
			in.o.UserName, n, in.o.UserName)
	}
	out, err := in.c.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(in.o.UserName)})
	if err != nil {
		return fmt.Errorf("create an access key for IAM user %q: %w", in.o.UserName, err)
	}
	in.r.AccessKey = &AccessKey{ID: aws.ToString(out.AccessKey.AccessKeyId), Secret: aws.ToString(out.AccessKey.SecretAccessKey)}
	in.change("created an access key for IAM user %s", in.o.UserName)
	return nil
}
