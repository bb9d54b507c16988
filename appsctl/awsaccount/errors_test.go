package awsaccount

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
)

func apiErr(code string) error {
	return fmt.Errorf("operation failed: %w", &smithy.GenericAPIError{Code: code, Message: "msg " + code})
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err                                   error
		notFound, exists, creds, accessDenied bool
	}{
		{err: apiErr("NoSuchEntity"), notFound: true},
		{err: apiErr("ResourceNotFoundException"), notFound: true},
		{err: apiErr("NoSuchKey"), notFound: true},
		{err: apiErr("NotFound"), notFound: true},
		{err: apiErr("EntityAlreadyExists"), exists: true},
		{err: apiErr("BucketAlreadyOwnedByYou"), exists: true},
		{err: apiErr("ResourceConflictException")},
		{err: apiErr("InvalidClientTokenId"), creds: true},
		{err: apiErr("SignatureDoesNotMatch"), creds: true},
		{err: apiErr("AccessDenied"), accessDenied: true},
		{err: apiErr("AccessDeniedException"), accessDenied: true},
		{err: errors.New("plain")},
		{err: nil},
	}
	for _, tt := range tests {
		name := fmt.Sprint(tt.err)
		assert.Equal(t, tt.notFound, IsNotFound(tt.err), name)
		assert.Equal(t, tt.exists, IsAlreadyExists(tt.err), name)
		assert.Equal(t, tt.creds, IsCredentialsError(tt.err), name)
		assert.Equal(t, tt.accessDenied, IsAccessDenied(tt.err), name)
	}
	assert.Equal(t, "msg NoSuchKey", Message(apiErr("NoSuchKey")))
	assert.Equal(t, "plain", Message(errors.New("plain")))
	assert.Equal(t, "NoSuchKey", Code(apiErr("NoSuchKey")))
}
