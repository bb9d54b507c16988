// Package s3store reads the apps bucket: bucket checks, manifest listing and
// static assets.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// Problem kinds reported by CheckBucket.
var (
	ErrBucketNotFound = errors.New("bucket not found")
	ErrAccessDenied   = errors.New("access denied")
	ErrUnreachable    = errors.New("S3 endpoint unreachable")
	ErrWrongRegion    = errors.New("bucket is in another region")
	ErrBadCredentials = errors.New("credentials rejected")
)

// HeadBucketAPI is the part of the S3 client CheckBucket needs.
type HeadBucketAPI interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

// CheckBucket verifies with HeadBucket that bucket exists and is readable.
// The returned error wraps one of the Err* kinds and says what to do.
func CheckBucket(ctx context.Context, api HeadBucketAPI, bucket string) error {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	if err == nil {
		return nil
	}
	err = ClassifyError(err, bucket)
	// A HEAD answer has no body, so a 403 cannot tell a wrong key from a
	// missing permission. A one-key listing says which (the error code).
	if lister, ok := api.(s3.ListObjectsV2APIClient); ok && errors.Is(err, ErrAccessDenied) {
		one := int32(1)
		if _, lerr := lister.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, MaxKeys: &one}); lerr != nil {
			if cerr := ClassifyError(lerr, bucket); errors.Is(cerr, ErrBadCredentials) {
				return cerr
			}
		}
	}
	return err
}

// ClassifyError turns an S3 SDK error into an actionable error that wraps
// one of the Err* kinds.
func ClassifyError(err error, bucket string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) || isNetwork(err) {
		return fmt.Errorf("%w: %s (check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 and the network)", ErrUnreachable, rootCause(err).Error())
	}
	var apiErr smithy.APIError
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	status := 0
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	switch {
	case code == "NotFound" || code == "NoSuchBucket" || status == 404:
		return fmt.Errorf("%w: bucket %q does not exist (create it, or set MM_APPS_S3_BUCKET to the right name)", ErrBucketNotFound, bucket)
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "InvalidToken":
		return fmt.Errorf("%w: S3 rejected the access key (%s); check MM_APPS_AWS_ACCESS_KEY and MM_APPS_AWS_SECRET_KEY", ErrBadCredentials, code)
	case status == 301 || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed":
		return fmt.Errorf("%w: bucket %q is not in the configured region; set MM_APPS_AWS_REGION to the bucket's region", ErrWrongRegion, bucket)
	case status == 403 || code == "AccessDenied" || code == "Forbidden":
		return fmt.Errorf("%w: the invoke credentials may not read bucket %q (run `appsctl aws init` to grant s3:ListBucket and s3:GetObject)", ErrAccessDenied, bucket)
	}
	return fmt.Errorf("S3 request for bucket %q failed: %w", bucket, err)
}

func isNetwork(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var urlErr *url.Error
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.As(err, &netErr) || errors.As(err, &urlErr)
}

func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
