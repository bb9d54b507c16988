// Package awsaccount is what appsctl knows about the AWS account it works
// in: who the caller is (STS GetCallerIdentity), the ARNs built from the
// account ID and partition (so that resources are found by ARN instead of
// by listing), and what the AWS SDK's errors mean (IAM, Lambda, S3, STS:
// not found, already exists, bad credentials, access denied), so that
// appsctl can tolerate "not found" where that is expected and add a hint
// for the errors an admin can fix.
package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// API is the part of the STS client used.
type API interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Account is the AWS account of the caller.
type Account struct {
	// ID is the 12-digit account ID.
	ID string
	// Partition is "aws", "aws-cn" or "aws-us-gov".
	Partition string
	// CallerARN is the ARN of the calling user or role.
	CallerARN string
}

// Identify asks STS who the caller is.
func Identify(ctx context.Context, api API) (Account, error) {
	out, err := api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Account{}, fmt.Errorf("identify the AWS account (sts:GetCallerIdentity): %w", err)
	}
	if out.Account == nil || *out.Account == "" {
		return Account{}, errors.New("identify the AWS account: STS returned no account ID")
	}
	a := Account{ID: *out.Account, Partition: "aws"}
	if out.Arn != nil {
		a.CallerARN = *out.Arn
		if p, ok := partitionOf(*out.Arn); ok {
			a.Partition = p
		}
	}
	return a, nil
}

// partitionOf returns the partition of an ARN ("arn:PARTITION:...").
func partitionOf(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" || parts[1] == "" {
		return "", false
	}
	return parts[1], true
}

// PolicyARN returns the ARN of the customer managed policy name (path "/").
func (a Account) PolicyARN(name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:policy/%s", a.Partition, a.ID, name)
}

// FunctionARN returns the unqualified ARN of Lambda function name in region.
func (a Account) FunctionARN(region, name string) string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", a.Partition, region, a.ID, name)
}

// BucketARN returns the ARN of an S3 bucket.
func (a Account) BucketARN(bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", a.Partition, bucket)
}

// ManagedPolicyARN rewrites an AWS managed policy ARN given for the "aws"
// partition ("arn:aws:iam::aws:policy/...") for the account's partition.
func (a Account) ManagedPolicyARN(awsARN string) string {
	if a.Partition == "" || a.Partition == "aws" {
		return awsARN
	}
	return strings.Replace(awsARN, "arn:aws:", "arn:"+a.Partition+":", 1)
}
