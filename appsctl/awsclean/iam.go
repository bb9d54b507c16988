package awsclean

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/appsctl/invokepolicy"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
)

// DeployedFunctionsError stops IAM cleanup while the invoke policy still
// lets Mattermost invoke functions: removing the execution role would break
// them.
type DeployedFunctionsError struct {
	ARNs []string
}

func (e *DeployedFunctionsError) Error() string {
	return fmt.Sprintf("the invoke policy still allows %d deployed function(s) (%s); nothing was removed. "+
		"Remove those apps first with `appsctl aws clean --app <app_id>`, or remove everything with `appsctl aws clean --all`",
		len(e.ARNs), strings.Join(e.ARNs, ", "))
}

// IAM removes what `aws init` created: the invoke user (with its access
// keys and group memberships), the group, the invoke policy (with all its
// versions) and the execution role. The bucket is kept. It refuses with a
// *DeployedFunctionsError while the invoke policy lists functions.
func IAM(ctx context.Context, c Clients, o Options, p *report.Printer) (*Result, error) {
	cl, err := newCleaner(ctx, c, o, p)
	if err != nil {
		return nil, err
	}
	return cl.r, cl.iam(ctx)
}

func (cl *cleaner) iam(ctx context.Context) error {
	cur, err := invokepolicy.Load(ctx, cl.c.IAM, cl.policyARN())
	switch {
	case err == nil:
		if arns := cur.Document.LambdaARNs(); len(arns) > 0 {
			return &DeployedFunctionsError{ARNs: arns}
		}
	case !awsaccount.IsNotFound(err):
		return err
	}
	steps := []func(context.Context) error{
		cl.deleteAccessKeys,
		cl.deleteGroup,
		cl.deletePolicy,
		cl.deleteUser,
		cl.deleteRole,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	cl.p.Infof("Kept S3 bucket %s (delete it yourself if nothing else uses it)", cl.o.Bucket)
	return nil
}

// done reports the outcome of a removal: NotFound is skipped, other errors
// are returned, and success is reported as removing what.
func (cl *cleaner) done(err error, what string) error {
	skip, err := cl.gone(err, what)
	if err == nil && !skip {
		cl.removed("%s", what)
	}
	return err
}

// gone reports whether err is NotFound (then the step is skipped) and wraps
// other errors.
func (cl *cleaner) gone(err error, what string) (bool, error) {
	if err == nil {
		return false, nil
	}
	if awsaccount.IsNotFound(err) {
		cl.p.Debugf("%s: not found, skipped", what)
		return true, nil
	}
	hint := ""
	if awsaccount.Code(err) == "DeleteConflict" {
		hint = " (it is still used by something appsctl did not create; remove that first)"
	}
	return false, fmt.Errorf("remove %s: %w%s", what, err, hint)
}

func (cl *cleaner) deleteAccessKeys(ctx context.Context) error {
	user := aws.String(cl.o.UserName)
	what := fmt.Sprintf("access keys of IAM user %s", cl.o.UserName)
	var ids []string
	p := iam.NewListAccessKeysPaginator(cl.c.IAM, &iam.ListAccessKeysInput{UserName: user})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if skip, err := cl.gone(err, what); skip || err != nil {
			return err
		}
		for _, k := range page.AccessKeyMetadata {
			ids = append(ids, aws.ToString(k.AccessKeyId))
		}
	}
	for _, id := range ids {
		_, err := cl.c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: aws.String(id)})
		if err := cl.done(err, fmt.Sprintf("access key %s of IAM user %s", id, cl.o.UserName)); err != nil {
			return err
		}
	}
	return nil
}

// deleteGroup removes the group's members and policies, then the group.
func (cl *cleaner) deleteGroup(ctx context.Context) error {
	group := aws.String(cl.o.GroupName)
	what := "IAM group " + cl.o.GroupName
	var users []string
	p := iam.NewGetGroupPaginator(cl.c.IAM, &iam.GetGroupInput{GroupName: group})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if skip, err := cl.gone(err, what); skip || err != nil {
			return err
		}
		for _, u := range page.Users {
			users = append(users, aws.ToString(u.UserName))
		}
	}
	for _, u := range users {
		_, err := cl.c.IAM.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: group, UserName: aws.String(u)})
		if err := cl.done(err, fmt.Sprintf("IAM user %s from group %s", u, cl.o.GroupName)); err != nil {
			return err
		}
	}
	_, err := cl.c.IAM.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: group, PolicyArn: aws.String(cl.policyARN())})
	if err := cl.done(err, fmt.Sprintf("IAM policy %s from group %s", cl.o.PolicyName, cl.o.GroupName)); err != nil {
		return err
	}
	_, err = cl.c.IAM.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: group})
	if err := cl.done(err, what); err != nil {
		return err
	}
	return nil
}

// deletePolicy detaches the invoke policy from everything, deletes its
// non-default versions, then the policy.
func (cl *cleaner) deletePolicy(ctx context.Context) error {
	arn := aws.String(cl.policyARN())
	what := "IAM policy " + cl.policyARN()
	p := iam.NewListEntitiesForPolicyPaginator(cl.c.IAM, &iam.ListEntitiesForPolicyInput{PolicyArn: arn})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if skip, err := cl.gone(err, what); skip || err != nil {
			return err
		}
		for _, g := range page.PolicyGroups {
			if _, err := cl.c.IAM.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: g.GroupName, PolicyArn: arn}); err != nil {
				return fmt.Errorf("detach the invoke policy from group %s: %w", aws.ToString(g.GroupName), err)
			}
			cl.removed("IAM policy %s from group %s", cl.o.PolicyName, aws.ToString(g.GroupName))
		}
		for _, u := range page.PolicyUsers {
			if _, err := cl.c.IAM.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: u.UserName, PolicyArn: arn}); err != nil {
				return fmt.Errorf("detach the invoke policy from user %s: %w", aws.ToString(u.UserName), err)
			}
			cl.removed("IAM policy %s from user %s", cl.o.PolicyName, aws.ToString(u.UserName))
		}
		for _, r := range page.PolicyRoles {
			if _, err := cl.c.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: r.RoleName, PolicyArn: arn}); err != nil {
				return fmt.Errorf("detach the invoke policy from role %s: %w", aws.ToString(r.RoleName), err)
			}
			cl.removed("IAM policy %s from role %s", cl.o.PolicyName, aws.ToString(r.RoleName))
		}
	}
	versions, err := invokepolicy.ListVersions(ctx, cl.c.IAM, cl.policyARN())
	if skip, err := cl.gone(err, what); skip || err != nil {
		return err
	}
	for _, v := range versions {
		if v.Default {
			continue
		}
		if err := invokepolicy.DeleteVersion(ctx, cl.c.IAM, cl.policyARN(), v.ID); err != nil {
			return err
		}
		cl.p.Debugf("deleted version %s of the invoke policy", v.ID)
	}
	_, err = cl.c.IAM.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	if err := cl.done(err, what); err != nil {
		return err
	}
	return nil
}

func (cl *cleaner) deleteUser(ctx context.Context) error {
	what := "IAM user " + cl.o.UserName
	_, err := cl.c.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(cl.o.UserName)})
	if err := cl.done(err, what); err != nil {
		return err
	}
	return nil
}

// deleteRole detaches the execution role's policies, deletes its inline
// policies, then the role.
func (cl *cleaner) deleteRole(ctx context.Context) error {
	role := aws.String(cl.o.ExecuteRoleName)
	what := "IAM role " + cl.o.ExecuteRoleName
	attached := iam.NewListAttachedRolePoliciesPaginator(cl.c.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: role})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if skip, err := cl.gone(err, what); skip || err != nil {
			return err
		}
		for _, a := range page.AttachedPolicies {
			if _, err := cl.c.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: role, PolicyArn: a.PolicyArn}); err != nil {
				return fmt.Errorf("detach %s from role %s: %w", aws.ToString(a.PolicyArn), cl.o.ExecuteRoleName, err)
			}
			cl.removed("IAM policy %s from role %s", aws.ToString(a.PolicyName), cl.o.ExecuteRoleName)
		}
	}
	inline := iam.NewListRolePoliciesPaginator(cl.c.IAM, &iam.ListRolePoliciesInput{RoleName: role})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if skip, err := cl.gone(err, what); skip || err != nil {
			return err
		}
		for _, name := range page.PolicyNames {
			if _, err := cl.c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: role, PolicyName: aws.String(name)}); err != nil {
				return fmt.Errorf("delete inline policy %s of role %s: %w", name, cl.o.ExecuteRoleName, err)
			}
			cl.removed("inline policy %s of role %s", name, cl.o.ExecuteRoleName)
		}
	}
	_, err := cl.c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: role})
	if err := cl.done(err, what); err != nil {
		return err
	}
	return nil
}
