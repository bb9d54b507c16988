package awsaccount

import (
	"errors"

	"github.com/aws/smithy-go"
)

// Code returns the AWS error code of err ("" when err is not an API error).
func Code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// Message returns the AWS error message of err, or err.Error() when err is
// not an API error.
func Message(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorMessage() != "" {
		return apiErr.ErrorMessage()
	}
	return err.Error()
}

// notFoundCodes are the codes the services use for a missing resource.
var notFoundCodes = map[string]bool{
	"NoSuchEntity":              true, // IAM
	"ResourceNotFoundException": true, // Lambda
	"NoSuchKey":                 true, // S3 GetObject
	"NotFound":                  true, // S3 HEAD requests
	"NoSuchBucket":              true, // S3
}

// IsNotFound reports whether err says that the resource does not exist.
func IsNotFound(err error) bool { return notFoundCodes[Code(err)] }

// IsAlreadyExists reports whether err says that the IAM entity or S3 bucket
// exists already. (Lambda's ResourceConflictException also means "an update
// is in progress", so it is not included.)
func IsAlreadyExists(err error) bool {
	switch Code(err) {
	case "EntityAlreadyExists", "BucketAlreadyOwnedByYou":
		return true
	}
	return false
}

// IsCredentialsError reports whether AWS rejected the access key itself
// (unknown key, wrong secret, expired token).
func IsCredentialsError(err error) bool {
	switch Code(err) {
	case "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidAccessKeyId",
		"UnrecognizedClientException", "InvalidSignatureException", "ExpiredToken", "InvalidToken":
		return true
	}
	return false
}

// IsAccessDenied reports whether the credentials are valid but not allowed
// to do what was asked.
func IsAccessDenied(err error) bool {
	switch Code(err) {
	case "AccessDenied", "AccessDeniedException", "Forbidden", "UnauthorizedOperation":
		return true
	}
	return false
}
