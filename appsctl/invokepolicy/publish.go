package invokepolicy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// API is the part of the IAM client used to read and publish the policy.
type API interface {
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	ListPolicyVersions(ctx context.Context, in *iam.ListPolicyVersionsInput, optFns ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, optFns ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
	DeletePolicyVersion(ctx context.Context, in *iam.DeletePolicyVersionInput, optFns ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error)
}

// Current is the default version of a policy.
type Current struct {
	ARN       string
	VersionID string
	Document  *Document
}

// Load reads the default version of the policy arn.
func Load(ctx context.Context, api API, arn string) (*Current, error) {
	pol, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("get invoke policy %s: %w", arn, err)
	}
	versionID := aws.ToString(pol.Policy.DefaultVersionId)
	ver, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(versionID)})
	if err != nil {
		return nil, fmt.Errorf("get version %s of invoke policy %s: %w", versionID, arn, err)
	}
	if ver.PolicyVersion == nil {
		return nil, fmt.Errorf("get version %s of invoke policy %s: IAM returned no document", versionID, arn)
	}
	doc, err := Parse(aws.ToString(ver.PolicyVersion.Document))
	if err != nil {
		return nil, fmt.Errorf("invoke policy %s version %s: %w", arn, versionID, err)
	}
	return &Current{ARN: arn, VersionID: versionID, Document: doc}, nil
}

// Result says what Update did.
type Result struct {
	// Changed is false when the edit left the document as it was; then
	// nothing was published.
	Changed bool
	// VersionID is the default version after the update.
	VersionID string
	// DeletedVersions lists old versions deleted to make room.
	DeletedVersions []string
	// Document is the default document after the update.
	Document *Document
}

// Update applies edit to the default version of policy arn and, if the
// document changed, publishes it as the new default version. It fails
// before calling IAM when the new document is too large (*TooLargeError),
// and deletes the oldest non-default versions first when the policy already
// has MaxVersions versions.
//
// IAM has no compare-and-set for policies: two concurrent updates can lose
// one of the edits. Deploys to one account should not run concurrently.
func Update(ctx context.Context, api API, arn string, edit func(*Document)) (*Result, error) {
	cur, err := Load(ctx, api, arn)
	if err != nil {
		return nil, err
	}
	doc := cur.Document.Clone()
	edit(doc)
	if Equal(doc, cur.Document) {
		return &Result{VersionID: cur.VersionID, Document: cur.Document}, nil
	}
	if err := CheckSize(doc); err != nil {
		return nil, err
	}
	text, err := doc.Marshal()
	if err != nil {
		return nil, err
	}
	deleted, err := makeRoom(ctx, api, arn)
	if err != nil {
		return nil, err
	}
	out, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
		PolicyArn:      aws.String(arn),
		PolicyDocument: aws.String(text),
		SetAsDefault:   true,
	})
	if err != nil {
		return nil, fmt.Errorf("publish a new version of invoke policy %s: %w", arn, err)
	}
	res := &Result{Changed: true, DeletedVersions: deleted, Document: doc}
	if out.PolicyVersion != nil {
		res.VersionID = aws.ToString(out.PolicyVersion.VersionId)
	}
	return res, nil
}

// ListVersions returns the stored versions of policy arn.
func ListVersions(ctx context.Context, api API, arn string) ([]Version, error) {
	var versions []Version
	p := iam.NewListPolicyVersionsPaginator(api, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list versions of invoke policy %s: %w", arn, err)
		}
		for _, v := range page.Versions {
			versions = append(versions, Version{
				ID:      aws.ToString(v.VersionId),
				Default: v.IsDefaultVersion,
				Created: aws.ToTime(v.CreateDate),
			})
		}
	}
	return versions, nil
}

// makeRoom deletes the oldest non-default versions so that one more fits.
func makeRoom(ctx context.Context, api API, arn string) ([]string, error) {
	versions, err := ListVersions(ctx, api, arn)
	if err != nil {
		return nil, err
	}
	ids := VersionsToDelete(versions, MaxVersions)
	for _, id := range ids {
		if err := DeleteVersion(ctx, api, arn, id); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// DeleteVersion deletes one non-default version of policy arn.
func DeleteVersion(ctx context.Context, api API, arn, id string) error {
	_, err := api.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(id)})
	if err != nil {
		return fmt.Errorf("delete version %s of invoke policy %s: %w", id, arn, err)
	}
	return nil
}
